import { createRequire } from "node:module";

/** The package's version, from package.json (one directory up from src/ and from dist/). */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
