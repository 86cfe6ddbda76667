/**
 * A tiny ZIP writer (PKWARE APPNOTE 6.3): local headers, central directory, end record; entries
 * stored or deflated (raw DEFLATE from `fflate`, which runs in browsers too), CRC-32 computed here. Enough for XLSX (no ZIP64:
 * entries and archive stay under 4 GiB, at most 65,535 entries). UTF-8 names (flag bit 11).
 */
import { deflateSync } from "fflate"

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (IEEE 802.3, the ZIP one) of `data`. */
export const crc32 = (data: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** One file to put in the archive. */
export interface ZipEntry {
  readonly name: string
  readonly data: Uint8Array | string
}

/** MS-DOS date and time of `d` (local fields taken as UTC, so archives are reproducible). */
const dosDateTime = (d: Date): { readonly date: number; readonly time: number } => ({
  date: ((Math.max(d.getUTCFullYear(), 1980) - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2)
})

/**
 * Builds a ZIP archive. `method` "deflate" (default) compresses each entry unless that makes it
 * larger; "store" never compresses. `modified` (default 1980-01-01) is every entry's time.
 */
export const zip = (
  entries: ReadonlyArray<ZipEntry>,
  options: { readonly method?: "store" | "deflate"; readonly modified?: Date } = {}
): Uint8Array => {
  if (entries.length > 0xffff) throw new RangeError("too many ZIP entries (no ZIP64)")
  const encoder = new TextEncoder()
  const { date, time } = dosDateTime(options.modified ?? new Date(Date.UTC(1980, 0, 1)))
  const parts: Array<Uint8Array> = []
  const central: Array<Uint8Array> = []
  let offset = 0
  for (const e of entries) {
    const name = encoder.encode(e.name)
    const raw = typeof e.data === "string" ? encoder.encode(e.data) : e.data
    const crc = crc32(raw)
    const deflated = options.method === "store" ? undefined : deflateSync(raw, { level: 6 })
    const useDeflate = deflated !== undefined && deflated.length < raw.length
    const body = useDeflate ? deflated : raw
    const method = useDeflate ? 8 : 0
    if (body.length > 0xfffffffe || raw.length > 0xfffffffe || offset > 0xfffffffe) throw new RangeError("ZIP entry too large (no ZIP64)")
    const local = new Uint8Array(30 + name.length)
    const lv = new DataView(local.buffer)
    lv.setUint32(0, 0x04034b50, true)
    lv.setUint16(4, 20, true) // version needed: 2.0
    lv.setUint16(6, 0x0800, true) // UTF-8 names
    lv.setUint16(8, method, true)
    lv.setUint16(10, time, true)
    lv.setUint16(12, date, true)
    lv.setUint32(14, crc, true)
    lv.setUint32(18, body.length, true)
    lv.setUint32(22, raw.length, true)
    lv.setUint16(26, name.length, true)
    lv.setUint16(28, 0, true)
    local.set(name, 30)
    const cd = new Uint8Array(46 + name.length)
    const cv = new DataView(cd.buffer)
    cv.setUint32(0, 0x02014b50, true)
    cv.setUint16(4, 20, true) // made by: 2.0, MS-DOS attributes
    cv.setUint16(6, 20, true)
    cv.setUint16(8, 0x0800, true)
    cv.setUint16(10, method, true)
    cv.setUint16(12, time, true)
    cv.setUint16(14, date, true)
    cv.setUint32(16, crc, true)
    cv.setUint32(20, body.length, true)
    cv.setUint32(24, raw.length, true)
    cv.setUint16(28, name.length, true)
    // extra length, comment length, disk number, internal and external attributes: 0
    cv.setUint32(42, offset, true)
    cd.set(name, 46)
    parts.push(local, body)
    central.push(cd)
    offset += local.length + body.length
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0)
  const end = new Uint8Array(22)
  const ev = new DataView(end.buffer)
  ev.setUint32(0, 0x06054b50, true)
  ev.setUint16(8, entries.length, true)
  ev.setUint16(10, entries.length, true)
  ev.setUint32(12, cdSize, true)
  ev.setUint32(16, offset, true)
  const out = new Uint8Array(offset + cdSize + end.length)
  let at = 0
  for (const p of [...parts, ...central, end]) {
    out.set(p, at)
    at += p.length
  }
  return out
}
