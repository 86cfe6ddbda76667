import { runConformanceSuite } from "@winback/adapters/testing"
import { openMemory } from "./support"

runConformanceSuite({ name: "memory", open: openMemory })
