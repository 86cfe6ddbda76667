#!/usr/bin/env node
// The `winback` bin: runs the TypeScript command (src/cli/main.ts) under tsx with the workspace's
// source condition, passing arguments, stdio and the exit code through.
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const main = fileURLToPath(new URL("./main.ts", import.meta.url))
const tsx = import.meta.resolve("tsx")
const child = spawn(process.execPath, ["--import", tsx, "--conditions=@winback/source", main, ...process.argv.slice(2)], { stdio: "inherit" })
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal))
child.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0)
})
