/**
 * @winback/core/demo — a deterministic demo-data generator: a team tree per region with its staff,
 * the offer catalogue, and customers with monthly and daily usage, injected churn/care patterns
 * (ground truth for rule tests) and post-as-of outcomes (ground truth for effect tracking).
 * Streams customers in chunks; seeds any `Stores`. See README.md in this folder for the data shapes.
 */

// The peer dependency check (effect, zod) first: it then sits in the chunk shared with the main
// entry and runs before the shared zod schemas are built (see ../PeerVersions.ts).
export { checkPeerVersions } from "../shared/PeerVersions"

// ---- Options ------------------------------------------------------------------------------------
export { DemoOptions, type DemoOptionsInput, DemoRegion, defaultDemoRegions, resolveDemoOptions } from "./Options"

// ---- Generating ---------------------------------------------------------------------------------
export { type DemoChunk, type DemoChunkOptions, type DemoData, generateDemo } from "./Generate"
export { type DemoCustomer, demoCustomerId, demoCustomerIndex } from "./CustomerGen"
export { type DemoLogins, type DemoOrg, generateOrg } from "./Org"
export { demoOffers } from "./Offers"

// ---- Ground truth -------------------------------------------------------------------------------
export { type DemoPattern, type DemoPatternKind, demoPatternKinds } from "./Patterns"
export { type DemoOutcome, type DemoStatusChange } from "./Outcomes"

// ---- Seeding stores -----------------------------------------------------------------------------
export { applyDemoOutcomes, type DemoFactsBatch, type DemoFactsLoader, type DemoSeedOptions, type DemoSeedSummary, seedDemo, seedDemoData } from "./Seed"

// ---- Running on the demo's day -----------------------------------------------------------------
export { demoClockLayer } from "./Clock"

// ---- The seeded random source (handy for tests that need their own reproducible noise) ----------
export { hashSeed, makeRandom, type Random } from "./Random"
