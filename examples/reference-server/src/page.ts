/**
 * The start page: what this server is, the demo logins, and a small read-only view of the work list
 * and customers driven by the JSON API. The full agent workbench grows here.
 */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Renders the start page. */
export const workbenchPage = (o: { readonly demoLogins: ReadonlyArray<{ readonly role: string; readonly managerId: string; readonly name: string }> }): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Winback reference server</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:14px 24px}h1{margin:0;font-size:20px}
main{padding:16px 24px;display:grid;grid-template-columns:320px 1fr;gap:16px}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #eef0f3;font-size:14px}
select,button{font:inherit}code{background:#eef0f3;padding:1px 4px;border-radius:4px}
</style></head>
<body><header><h1>Winback reference server</h1><div>Retention and callback work on embedded storage, with demo data.</div></header>
<main>
<section><h2>Demo logins</h2><table id="logins"><tr><th>Role</th><th>Manager</th></tr>
${o.demoLogins.map((l) => `<tr><td>${esc(l.role)}</td><td><code>${esc(l.managerId)}</code> ${esc(l.name)}</td></tr>`).join("")}
</table><p>API index: <a href="/api">/api</a></p></section>
<section><h2>Customers</h2><label>Owner manager <select id="owner"><option value="">(all)</option>
${o.demoLogins.map((l) => `<option value="${esc(l.managerId)}">${esc(l.managerId)}</option>`).join("")}</select></label>
<table id="customers"><thead><tr><th>Id</th><th>Name</th><th>Tier</th><th>Status</th><th>Region</th></tr></thead><tbody></tbody></table>
<button id="more" hidden>More</button></section>
</main>
<script>
let cursor = null
async function load(reset) {
  if (reset) { cursor = null; document.querySelector("#customers tbody").innerHTML = "" }
  const owner = document.getElementById("owner").value
  const q = new URLSearchParams({ limit: "20" }); if (owner) q.append("ownerManagerId", owner); if (cursor) q.set("cursor", cursor)
  const page = await (await fetch("/api/customers?" + q)).json()
  const body = document.querySelector("#customers tbody")
  for (const c of page.items) {
    const tr = document.createElement("tr")
    for (const v of [c.id, c.name, c.tier, c.lineStatus, c.region]) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td) }
    body.appendChild(tr)
  }
  cursor = page.nextCursor; document.getElementById("more").hidden = !cursor
}
document.getElementById("owner").addEventListener("change", () => load(true))
document.getElementById("more").addEventListener("click", () => load(false))
load(true)
</script></body></html>`
