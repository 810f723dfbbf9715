import { z } from 'zod';

// zod compiles object parsers with `new Function` when it may, and probes for that permission once.
// The server's CSP has no 'unsafe-eval', so the probe would be refused and reported as a CSP violation
// (even though zod catches it). Parsing without code generation is fast enough for API answers.
z.config({ jitless: true });
