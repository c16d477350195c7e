// Replaces what tsc built in dist/cli/ with one bundle of the command line
// and everything of ours it imports. Node's module loader reads, links and
// compiles each file of an ES module graph apart, and one program's check
// loads 118 of ours: bundled into the entry and a chunk per command or
// reader it imports at run time (about 40), one program's check takes 10 %
// less time, a kernel's layout and a thousand programs 5 % less.
// The library (dist/index.js and the modules under it) stays as tsc wrote
// it, for callers that import one part. The bundle sits in dist/cli/, at
// the depth of the modules it holds, so the files they find relative to
// themselves (grammars/, schemas/) are where they were; the reading
// threads' entry is bundled beside it as read-worker.js, the name
// check/read-pool.ts starts it by. Packages (node_modules) stay imports.
import { readdirSync, readFileSync, rmSync, renameSync, mkdtempSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist/cli");
const { dependencies = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const packages = Object.keys(dependencies);
const external = (id) => id.startsWith("node:") || builtinModules.includes(id) || packages.some((p) => id === p || id.startsWith(`${p}/`));

const out = mkdtempSync(join(root, "dist/.cli-bundle-"));
try {
  const bundle = await rolldown({
    input: { main: join(cli, "main.js"), "read-worker": join(root, "dist/check/read-worker.js") },
    platform: "node",
    external,
    logLevel: "warn",
  });
  await bundle.write({ dir: out, format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js" });
  await bundle.close();
  rmSync(cli, { recursive: true, force: true });
  renameSync(out, cli);
} finally {
  rmSync(out, { recursive: true, force: true });
}
const files = readdirSync(cli);
for (const needed of ["main.js", "read-worker.js"]) {
  if (!files.includes(needed)) throw new Error(`bundle-cli: ${needed} is missing from dist/cli/`);
}
