import { generateDemo } from "@winback/core/demo"
const n = Number(process.argv[2] ?? 10000)
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
const demo = generateDemo({ seed: 1, customers: n, asOf: "2026-11-25" })
let c0 = cpu(); let rows = 0
for (const chunk of demo.chunks({ chunkSize: 2000 })) for (const c of chunk.customers) rows += c.days.length
console.log("gen cpu", (cpu() - c0).toFixed(2), rows)
c0 = cpu(); let bytes = 0
for (const chunk of demo.chunks({ chunkSize: 2000 })) {
  const parts: string[] = []
  for (const c of chunk.customers) for (const d of c.days) {
    parts.push(`${d.customerId}\t${d.day}\t${d.charge}\t${d.dataMb}\t${d.callMinutes}\t${d.outgoingCalls}\t${d.competitorCallSeconds}\t${d.forwardedToOtherOperator ? "t" : "f"}\t${d.reminderSmsDelivered ? "t" : "f"}\n`)
  }
  const blob = new Blob(parts); bytes += blob.size
}
console.log("gen+tsv+blob cpu", (cpu() - c0).toFixed(2), bytes)
c0 = cpu(); bytes = 0
for (const chunk of demo.chunks({ chunkSize: 2000 })) {
  let s = ""
  for (const c of chunk.customers) for (const d of c.days) {
    s += `${d.customerId}\t${d.day}\t${d.charge}\t${d.dataMb}\t${d.callMinutes}\t${d.outgoingCalls}\t${d.competitorCallSeconds}\t${d.forwardedToOtherOperator ? "t" : "f"}\t${d.reminderSmsDelivered ? "t" : "f"}\n`
  }
  const buf = Buffer.from(s); bytes += buf.length
}
console.log("gen+concat+buf cpu", (cpu() - c0).toFixed(2), bytes)
