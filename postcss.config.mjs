// Tailwind CSS 4 is configured in CSS (app/globals.css); this only wires its PostCSS plugin.
export default {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};
