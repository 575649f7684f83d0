import { z } from "zod";

// Runs in the browser before the app's modules. zod compiles object parsers with
// new Function() when it may; under the pages' CSP (no 'unsafe-eval', proxy.ts) its probe is
// refused and reported as a violation. Parsing without the compiler is fine at our sizes.
z.config({ jitless: true });
