/**
 * GET /stream-example: a page that enqueues a task through the REST API and shows its status
 * changing live over the SSE stream (the credential goes in `access_token`, as a browser's
 * EventSource cannot send headers). Public: it holds no data, the API calls carry the key typed in.
 */
import type { FastifyInstance } from 'fastify';
import { apiPathOf, type RestServerConfig } from '@switchyard/protocol';
import type { TypeRegistry } from '../resources/type-definitions.js';

export const EXAMPLE_PAGE_PATH = '/stream-example';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(apiPath: string, types: TypeRegistry): string {
  const options = types.taskTypes.map((t) => `<option>${escape(t.type)}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard: watch a task live</title>
<style>body{font:15px system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem}input,select,textarea,button{font:inherit}textarea{width:100%;height:4em}
table{border-collapse:collapse;width:100%;margin-top:1rem}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}.s{font-weight:600}#log{color:#666;font-size:13px;white-space:pre-wrap}</style></head>
<body><h1>Watch a task's status live</h1>
<p>Enqueue a task with <code>POST ${escape(apiPath)}/data/tasks</code>, then follow it on <code>GET ${escape(apiPath)}/stream?tasks=&lt;id&gt;</code> (Server-Sent Events): queued, processing, retry, completed, dead... as the worker reports them.</p>
<p><label>API key (tasks:write, tasks:read) <input id="key" size="60" placeholder="sy_... or the admin key"></label></p>
<p><label>Task type <select id="type">${options}</select></label></p>
<p><label>Payload<textarea id="payload">{"to":"ada@example.com","subject":"Hello from the stream example"}</textarea></label></p>
<p><button id="go">Enqueue and watch</button> <button id="all">Watch all my tasks</button></p>
<table><thead><tr><th>time</th><th>task</th><th>status</th><th>attempt</th></tr></thead><tbody id="rows"></tbody></table>
<div id="log"></div>
<script>
const api = ${JSON.stringify(apiPath)};
const $ = (id) => document.getElementById(id);
let source;
function log(text) { $('log').textContent = text + '\\n' + $('log').textContent; }
function watch(tasks) {
  if (source) source.close();
  source = new EventSource(api + '/stream?tasks=' + encodeURIComponent(tasks) + '&access_token=' + encodeURIComponent($('key').value.trim()));
  source.addEventListener('ready', (e) => log('stream ready: ' + e.data));
  source.addEventListener('task.status', (e) => {
    const s = JSON.parse(e.data);
    const row = document.createElement('tr');
    for (const text of [new Date(s.updatedAt).toLocaleTimeString(), s.taskId, s.status, String(s.attempt)]) { const td = document.createElement('td'); td.textContent = text; row.appendChild(td); }
    row.children[2].className = 's';
    $('rows').prepend(row);
  });
  source.addEventListener('dropped', (e) => log('dropped by the server: ' + e.data));
  source.onerror = () => log('connection lost; the browser reconnects with Last-Event-ID and misses nothing');
}
$('go').onclick = async () => {
  const response = await fetch(api + '/data/tasks', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + $('key').value.trim() }, body: JSON.stringify({ type: $('type').value, payload: JSON.parse($('payload').value) }) });
  const body = await response.json();
  if (!response.ok) return log('enqueue refused: ' + JSON.stringify(body));
  const id = (body.data || body).id;
  log('enqueued ' + id);
  watch(id);
};
$('all').onclick = () => watch('*');
</script></body></html>`;
}

export function registerExamplePage(app: FastifyInstance, config: RestServerConfig, types: TypeRegistry): void {
  const html = page(apiPathOf(config.api), types);
  app.get(EXAMPLE_PAGE_PATH, { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
}
