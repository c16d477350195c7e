import { checkMapSide } from "./map-size.js";
import type { Rule } from "./rule.js";

export const mapKeySize: Rule = {
  id: "map-key-size",
  title: "Map key size",
  description: "Userspace declares or passes a map key whose size differs from the BPF map's key.",
  severity: "error",
  docs:
    "The kernel copies exactly key_size bytes of every key. A loader that declares a different KeySize creates a map the BPF program reads with its own struct, so every lookup compares bytes that do not line up, and a key of the wrong type passed to Lookup or Update is either refused at run time or, worse, truncated. The C map's key type is the truth; the size userspace declares, and the size of the key type it passes, must equal it.",
  messages: {
    declared: "map {{map}}: userspace declares {{field}} {{twinSize}}, but the BPF map's key is {{cSize}} bytes ({{cType}})",
    typed: "map {{map}}: key type {{twinType}} is {{twinSize}} bytes, but the BPF map's key is {{cSize}} bytes ({{cType}})",
    typedPacked: "map {{map}}: key type {{twinType}} encodes to {{twinSize}} bytes, but the BPF map's key is {{cSize}} bytes ({{cType}})",
  },
  check(ctx) {
    return checkMapSide(this, "key", ctx);
  },
};
