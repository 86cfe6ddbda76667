import { runConformanceSuite } from "@winback/adapters/testing"
import { pgliteOpener } from "./support"

runConformanceSuite({ name: "pglite", open: pgliteOpener() })
