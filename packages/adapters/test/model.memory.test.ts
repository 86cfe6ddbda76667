import { memoryCandidateSource } from "@winback/core"
import { runModelSuite } from "./modelSupport"
import { openMemory } from "./support"

runModelSuite("memory", async () => ({ ...(await openMemory()), candidates: memoryCandidateSource({ dayWindow: 60, monthWindow: 8 }) }))
