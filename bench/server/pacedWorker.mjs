// An open-loop load generator for the server benchmark, run in a worker thread: request i is sent
// at start + i / rate whatever the answers before it did (as wrk2 -R does), over keep-alive
// connections opened as needed, and its latency is measured from that scheduled time, so a server
// that falls behind pays for the queue it causes (no coordinated omission).
//
// workerData: { url, rate, seconds, requests: [{ path, headers }] } (requests are used in turn).
// Posts { latencies: number[] (ms, in send order), statuses: number[], errors, seconds }.
import http from "node:http"
import { parentPort, workerData } from "node:worker_threads"

const { url, rate, seconds, requests } = workerData
const target = new URL(url)
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 })
const total = Math.round(rate * seconds)
const interval = 1000 / rate
const latencies = new Array(total).fill(NaN)
const statuses = new Array(total).fill(0)
let errors = 0
let finished = 0
const start = performance.now() + 20

const done = () => {
  agent.destroy()
  parentPort.postMessage({ latencies, statuses, errors, seconds: (performance.now() - start) / 1000 })
}

const fire = (i) => {
  const scheduled = start + i * interval
  const r = requests[i % requests.length]
  const req = http.request({ host: target.hostname, port: target.port, path: r.path, method: "GET", headers: r.headers, agent }, (res) => {
    res.resume()
    res.on("end", () => {
      latencies[i] = performance.now() - scheduled
      statuses[i] = res.statusCode ?? 0
      if (++finished === total) done()
    })
  })
  req.on("error", () => {
    errors++
    latencies[i] = performance.now() - scheduled
    if (++finished === total) done()
  })
  req.end()
}

let sent = 0
const tick = () => {
  const now = performance.now()
  while (sent < total && start + sent * interval <= now) fire(sent++)
  if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()))
}
setTimeout(tick, 20)
