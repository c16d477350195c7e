// Empties dist/ before a build, so a module moved or removed in src/ does not
// live on in dist/ and in the package.
import { rmSync } from "node:fs";

rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
