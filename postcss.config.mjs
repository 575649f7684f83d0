// Tailwind CSS 4 is configured in CSS (app/globals.css); this only wires its PostCSS plugin.
const config = {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};

export default config;
