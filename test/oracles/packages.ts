// The oracle packages of packages.txt, and which of them this machine lacks.
// .ci/run reads the same file, so CI installs exactly what the summary asks for.
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface OraclePackage {
  /** The Debian package. */
  name: string;
  /** Commands on PATH, or absolute paths, that show it is installed. */
  probes: string[];
}

const LIST = new URL("./packages.txt", import.meta.url);

export function oraclePackages(text = readFileSync(LIST, "utf8")): OraclePackage[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [name, ...probes] = l.split(/\s+/);
      return { name: name!, probes };
    });
}

/** Whether `cmd` is an executable file in one of PATH's directories; nothing is run. */
export function onPath(cmd: string, path = process.env.PATH ?? ""): boolean {
  return path.split(delimiter).some((dir) => {
    if (dir === "") return false;
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function installed(p: OraclePackage, path?: string): boolean {
  return p.probes.every((probe) => (isAbsolute(probe) ? existsSync(probe) : onPath(probe, path)));
}

/** The one command that installs every oracle package. */
export function installCommand(packages = oraclePackages()): string {
  return `sudo apt-get install -y --no-install-recommends ${packages.map((p) => p.name).join(" ")}`;
}
