import { winbackProject } from "../../test/vitestProject"

export default winbackProject("core")
