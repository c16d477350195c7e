// Copies the tree-sitter grammars' wasm into grammars/, which the package
// ships: the runtime loads only these files, so the grammar packages (with
// their native builds and install scripts) stay development dependencies.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dir = new URL("../grammars/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const pkg of ["tree-sitter-c", "tree-sitter-go", "tree-sitter-python"]) {
  copyFileSync(require.resolve(`${pkg}/${pkg}.wasm`), new URL(`${pkg}.wasm`, dir));
}
