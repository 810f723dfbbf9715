// Renders the OpenAPI document as a list of operations grouped by tag, with their schemas.
const root = document.getElementById('operations');

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function schemaText(document, schema) {
  const resolve = (value, depth) => {
    if (!value || depth > 6) return value;
    if (value.$ref) {
      const name = value.$ref.split('/').pop();
      return resolve(document.components?.schemas?.[name], depth + 1);
    }
    if (Array.isArray(value)) return value.map((item) => resolve(item, depth + 1));
    if (typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, depth + 1)]));
    }
    return value;
  };
  return JSON.stringify(resolve(schema, 0), null, 2);
}

function operation(document, path, method, op) {
  const body = element('div', { class: 'body' });
  if (op.description || op.summary) body.append(element('p', {}, op.description || op.summary));
  const request = op.requestBody?.content?.['application/json']?.schema;
  if (request) body.append(element('h4', {}, 'Request body'), element('pre', {}, schemaText(document, request)));
  for (const [status, response] of Object.entries(op.responses || {})) {
    const schema = response.content && Object.values(response.content)[0]?.schema;
    body.append(element('h4', {}, `${status} ${response.description || ''}`));
    if (schema) body.append(element('pre', {}, schemaText(document, schema)));
  }
  return element(
    'details', {},
    element('summary', {}, element('span', { class: `method ${method}` }, method), element('span', { class: 'path' }, path),
      element('span', {}, op.summary || '')),
    body,
  );
}

async function main() {
  const response = await fetch('/api/docs/openapi.json');
  const document = await response.json();
  const byTag = new Map();
  for (const [path, item] of Object.entries(document.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(document, path, method, op));
    }
  }
  root.replaceChildren();
  for (const [tag, operations] of byTag) root.append(element('h2', {}, tag), ...operations);
}

main().catch((error) => {
  root.replaceChildren(element('p', {}, `Cannot load the API description: ${error}`));
});
