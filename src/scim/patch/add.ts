import type { Target } from './path.js';
import { asList, listAt, valueOf } from './values.js';
import { setSelected, setSingle, setSubAttribute } from './write.js';

/** RFC 7644 §3.5.2.1: add at a path. A multi-valued attribute gains the values it lacks; anything else is set. */
export function addAt(target: Target, value: unknown): void {
  if (target.filter) setSelected(target, target.filter, value);
  else if (target.subKey) setSubAttribute(target, target.subKey, value);
  else if (target.attribute.config.multiValued) appendNew(target, value);
  else setSingle(target, value);
}

function appendNew({ container, key }: Target, value: unknown): void {
  const list = listAt(container, key);
  // RFC 7644 §3.5.2.1: a value already present is not added twice.
  const known = new Set(list.map((element) => JSON.stringify(valueOf(element))));
  container[key] = [...list, ...asList(value).filter((item) => !known.has(JSON.stringify(valueOf(item))))];
}
