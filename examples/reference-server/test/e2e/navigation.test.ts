/**
 * Moving between screens in headless Chromium while a screen is still loading: the screen the user
 * moved to is the one shown, under its own tab. (A slow team view used to finish after the
 * approvals view and replace it, under the Approvals tab.) A leader on Approvals reads the dry run
 * without the approver's decision form.
 */
import { expect, it } from "vitest"
import { logInById, newPage, workbenchForFile } from "./support"

const bench = workbenchForFile()

it("a screen that finishes loading after the user moved on is dropped: the new screen stays", async () => {
  const wb = bench()
  const { page, errors } = await newPage(wb)
  try {
    await page.goto(wb.server.url)
    // The team view's data arrives late: held until the approvals screen has been shown.
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let heldOnce = false
    await page.route("**/api/team-work*", async (route) => {
      if (!heldOnce) {
        heldOnce = true
        await held
      }
      await route.continue()
    })
    await logInById(page, wb.logins.teamLeader) // a leader lands on the team view, which now waits
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = "#/approvals"))
    await page.locator("#ap-h").waitFor()
    release()
    // Let the held team view finish: it must not take the screen.
    await page.waitForResponse((r) => r.url().includes("/api/team-work"))
    await page.waitForLoadState("networkidle")
    expect(await page.locator("#ap-h").count()).toBe(1)
    expect(await page.locator("#view h2").first().getAttribute("id")).toBe("ap-h")
    expect(await page.locator('#nav a[aria-current]').getAttribute("href")).toBe("#/approvals")
    // A leader reads a pending task's dry run; approving is the approver's, so no decision form is offered.
    await page.locator("button.task-open").first().click()
    await page.locator(".preview .handed-out").waitFor()
    await page.locator(".decision-note").waitFor()
    expect(await page.locator("form.decision").count()).toBe(0)
    expect(errors).toEqual([])
  } finally {
    await page.context().close()
  }
}, 120_000)
