import { winbackProject } from "../../test/vitestProject"

export default winbackProject("questionnaire")
