import { checkMapSide } from "./map-size.js";
import type { Rule } from "./rule.js";

export const mapValueSize: Rule = {
  id: "map-value-size",
  title: "Map value size",
  description: "Userspace declares or passes a map value whose size differs from the BPF map's value.",
  severity: "error",
  docs:
    "The kernel copies exactly value_size bytes in and out of a map. When userspace declares another ValueSize or reads values into a type of another size, the fields it sees are taken from the wrong bytes, or the call is refused at run time. The C map's value type is the truth; the declared size and the size of the value type userspace passes must equal it.",
  messages: {
    declared: "map {{map}}: userspace declares {{field}} {{twinSize}}, but the BPF map's value is {{cSize}} bytes ({{cType}})",
    typed: "map {{map}}: value type {{twinType}} is {{twinSize}} bytes, but the BPF map's value is {{cSize}} bytes ({{cType}})",
    typedPacked: "map {{map}}: value type {{twinType}} encodes to {{twinSize}} bytes, but the BPF map's value is {{cSize}} bytes ({{cType}})",
  },
  check(ctx) {
    return checkMapSide(this, "value", ctx);
  },
};
