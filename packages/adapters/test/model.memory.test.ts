import { memoryCandidateSource } from "@winback/core"
import { runModelSuite } from "./modelSupport"
import { openMemory } from "./support"

// Memory runs are cheap (a run takes ~0.1 s): 60 of them, enough to reach rarer paths such as a
// dial after the customer asked for phone DND.
runModelSuite("memory", async () => ({ ...(await openMemory()), candidates: memoryCandidateSource({ dayWindow: 60, monthWindow: 8 }) }), { runs: 60 })
