import type { FilterNode } from '../filter.js';
import type { Json } from '../json.js';
import type { Target } from './path.js';
import { asList, listAt, objectAt, omit, valueOf } from './values.js';
import { matches } from './value-filter.js';

/** RFC 7644 §3.5.2.2: remove at a path, of the values a filter or `value` names, else of the whole attribute. */
export function removeAt(target: Target, value: unknown): void {
  const { container, key, attribute, filter, subKey } = target;
  if (filter) removeSelected(target, filter);
  else if (subKey) container[key] = omit(objectAt(container, key), subKey);
  else if (attribute.config.multiValued && value !== undefined) removeListed(target, value);
  else delete container[key];
}

/** The values a filter selects go, or only their sub-attribute does. */
function removeSelected({ container, key, subKey }: Target, filter: FilterNode): void {
  const list = listAt(container, key) as Json[];
  const selected = list.filter((element) => matches(element, filter));
  container[key] = subKey
    ? list.map((element) => (selected.includes(element) ? omit(element, subKey) : element))
    : list.filter((element) => !selected.includes(element));
}

/** Entra: remove listed values, `{"op":"Remove","path":"emails","value":[{"value":"a@x"}]}`. */
function removeListed({ container, key }: Target, value: unknown): void {
  const doomed = asList(value).map((item) => valueOf(item));
  container[key] = listAt(container, key).filter((element) => !doomed.includes(valueOf(element)));
}
