/** The web app's version from package.json, replaced at build time by Vite. */
declare const __APP_VERSION__: string;
