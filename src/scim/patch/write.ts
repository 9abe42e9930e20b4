import { badRequest } from '../errors.js';
import type { FilterNode } from '../filter.js';
import type { Json } from '../json.js';
import type { Target } from './path.js';
import { asObject, isObject, listAt, objectAt } from './values.js';
import { equalities, matches } from './value-filter.js';

/** Writes that add and replace make alike (RFC 7644 §3.5.2.1, §3.5.2.3). */

/** The values a filter selects take the value, or its sub-attribute does. */
export function setSelected(target: Target, filter: FilterNode, value: unknown): void {
  const { container, key, attribute, subKey } = target;
  const list = listAt(container, key) as Json[];
  const selected = list.filter((element) => matches(element, filter));
  if (selected.length === 0) {
    // Entra adds a missing email as `emails[type eq "work"].value`: create the element the filter describes.
    const seed = equalities(filter);
    if (!seed || !subKey) throw badRequest('noTarget', `No value of ${attribute.name} matches the filter in "${target.path}"`);
    container[key] = [...list, { ...seed, [subKey]: value }];
    return;
  }
  container[key] = list.map((element) => {
    if (!selected.includes(element)) return element;
    if (subKey) return { ...element, [subKey]: value };
    return { ...element, ...asObject(value, attribute.name) };
  });
}

/** `name.givenName`, `manager.value`: a sub-attribute of a single complex attribute. */
export function setSubAttribute(target: Target, subKey: string, value: unknown): void {
  target.container[target.key] = { ...objectAt(target.container, target.key), [subKey]: value };
}

/** A single-valued attribute takes the value; a complex one only the sub-attributes given. */
export function setSingle(target: Target, value: unknown): void {
  const { container, key, attribute } = target;
  if (attribute.type === 'complex' && isObject(value)) {
    // RFC 7644 §3.5.2.3: sub-attributes left out of a complex value stay as they are.
    const current = (container[key] && typeof container[key] === 'object' ? container[key] : {}) as Json;
    container[key] = { ...current, ...value };
    return;
  }
  container[key] = value;
}
