import type { Target } from './path.js';
import { asList } from './values.js';
import { setSelected, setSingle, setSubAttribute } from './write.js';

/** RFC 7644 §3.5.2.3: replace at a path. A multi-valued attribute holds exactly the values given afterwards. */
export function replaceAt(target: Target, value: unknown): void {
  if (target.filter) setSelected(target, target.filter, value);
  else if (target.subKey) setSubAttribute(target, target.subKey, value);
  else if (target.attribute.config.multiValued) target.container[target.key] = asList(value);
  else setSingle(target, value);
}
