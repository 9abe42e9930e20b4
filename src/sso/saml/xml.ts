import { DOMParser } from '@xmldom/xmldom';
// xpath is CommonJS: its type guards are reachable only through the default export under Node's ESM.
import xpath from 'xpath';

/**
 * The strict XML reading shared by the metadata parser and the response checks: DOCTYPE and
 * ENTITY declarations are refused on the raw text (no parser ever sees them, so no entity is
 * expanded and nothing external is fetched), and every parser warning or error is a refusal,
 * because a document a lenient parser repairs is read differently by the next parser
 * (node-saml re-parses the same bytes with its own copies of xmldom and xml2js).
 */

export const namespaces = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
} as const;

const select = xpath.useNamespaces(namespaces);

/** True when the text declares a document type or an entity, in any letter case. */
export function declaresDoctype(xml: string): boolean {
  return /<!\s*(doctype|entity)/i.test(xml);
}

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

/** Parses XML that has already passed `declaresDoctype`; any warning or error throws `XmlParseError`. */
export function parseStrictXml(xml: string): Document {
  const problems: string[] = [];
  const parser = new DOMParser({
    onError: (level, message) => {
      problems.push(`${level}: ${message}`);
      throw new XmlParseError(message);
    },
  });
  let doc: unknown;
  try {
    doc = parser.parseFromString(xml, 'text/xml');
  } catch (error) {
    throw new XmlParseError(problems[0] ?? (error instanceof Error ? error.message : String(error)));
  }
  if (problems.length > 0) throw new XmlParseError(problems[0]!);
  // xmldom's nodes implement the DOM interfaces xpath's types are written against.
  const document = doc as Document;
  if (!document.documentElement) throw new XmlParseError('the document has no root element');
  return document;
}

/** Elements matched by a namespace-aware XPath (prefixes: md, ds, saml, samlp). */
export function selectElements(expression: string, context: Node): Element[] {
  const result = select(expression, context);
  return xpath.isArrayOfNodes(result) ? result.filter((node): node is Element => xpath.isElement(node)) : [];
}

/** Values of the attributes matched by a namespace-aware XPath. */
export function selectAttributeValues(expression: string, context: Node): string[] {
  const result = select(expression, context);
  return xpath.isArrayOfNodes(result) ? result.filter((node): node is Attr => xpath.isAttribute(node)).map((a) => a.value) : [];
}

/** The element's attribute, or undefined when it is absent (DOM's getAttribute answers '' or null). */
export function attributeOf(element: Element | undefined, name: string): string | undefined {
  return element?.hasAttribute(name) ? (element.getAttribute(name) ?? undefined) : undefined;
}

/** Trimmed text content of an element, or undefined when there is no element or no text. */
export function textOf(element: Element | undefined): string | undefined {
  const text = element?.textContent?.trim();
  return text ? text : undefined;
}

export function isElementNamed(element: Element, namespace: string, localName: string): boolean {
  return element.namespaceURI === namespace && element.localName === localName;
}
