import { memoryCandidates, runPipelineSuite } from "./pipelineSupport"
import { openMemory } from "./support"

runPipelineSuite({ name: "memory", open: openMemory, candidates: () => memoryCandidates() })
