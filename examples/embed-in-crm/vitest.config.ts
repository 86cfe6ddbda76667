import { winbackProject } from "../../test/vitestProject"

export default winbackProject("embed-in-crm")
