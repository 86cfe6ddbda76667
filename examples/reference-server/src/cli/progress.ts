/**
 * Progress output for the commands: on a terminal a bar redrawn in place (with the running step and
 * its elapsed time); otherwise — cron, a pipe, a log file — one plain line per event, so logs stay
 * readable.
 */

/** Where progress goes. */
export interface Progress {
  /** A step `index` (1-based) of `total` starts. */
  readonly step: (index: number, total: number, label: string) => void
  /** The running step advanced to `done` of `of` units (bytes, rows); optional. */
  readonly advance: (done: number, of: number) => void
  /** The running step ended. */
  readonly end: (outcome: "ok" | "failed" | "skipped", detail: string, ms: number) => void
  /** A line of its own (above the bar on a terminal). */
  readonly line: (text: string) => void
  readonly close: () => void
}

/** Formats milliseconds for people. */
export const duration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)

const barWidth = 24

/** A progress bar redrawn in place on a TTY. */
const ttyProgress = (out: NodeJS.WriteStream): Progress => {
  let current: { index: number; total: number; label: string; started: number; done: number; of: number } | undefined
  let timer: ReturnType<typeof setInterval> | undefined
  const draw = () => {
    if (!current) return
    const { index, total, label, started, done, of } = current
    const stepFraction = of > 0 ? Math.min(1, done / of) : 0
    const fraction = (index - 1 + stepFraction) / total
    const filled = Math.round(fraction * barWidth)
    const pct = of > 0 ? ` ${Math.floor(stepFraction * 100)}%` : ""
    out.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${index}/${total} ${label}${pct} ${duration(performance.now() - started)}`)
  }
  const clear = () => out.write("\r\x1b[2K")
  return {
    step: (index, total, label) => {
      current = { index, total, label, started: performance.now(), done: 0, of: 0 }
      timer ??= setInterval(draw, 100)
      timer.unref?.()
      draw()
    },
    advance: (done, of) => {
      if (current) Object.assign(current, { done, of })
    },
    end: (outcome, detail, ms) => {
      if (!current) return
      clear()
      out.write(`${outcome === "ok" ? "✔" : outcome === "skipped" ? "–" : "✘"} ${current.index}/${current.total} ${current.label}: ${detail} (${duration(ms)})\n`)
      current = undefined
    },
    line: (text) => {
      clear()
      out.write(`${text}\n`)
      draw()
    },
    close: () => {
      if (timer) clearInterval(timer)
      timer = undefined
      clear()
    }
  }
}

/** Plain lines for logs. */
const plainProgress = (out: NodeJS.WritableStream): Progress => {
  let current: { index: number; total: number; label: string } | undefined
  return {
    step: (index, total, label) => {
      current = { index, total, label }
      out.write(`[${index}/${total}] ${label}: started\n`)
    },
    advance: () => {},
    end: (outcome, detail, ms) => {
      if (!current) return
      out.write(`[${current.index}/${current.total}] ${current.label}: ${outcome} in ${duration(ms)}: ${detail}\n`)
      current = undefined
    },
    line: (text) => void out.write(`${text}\n`),
    close: () => {}
  }
}

/** The progress output for `out`: a bar on a terminal, plain lines otherwise. */
export const progressFor = (out: NodeJS.WriteStream): Progress => (out.isTTY ? ttyProgress(out) : plainProgress(out))
