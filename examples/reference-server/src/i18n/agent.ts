/**
 * The agent customer screen's messages (dialling with the masked number, why the customer was
 * flagged, attachments, item lines without internal ids), kept apart from the main catalogues and
 * spread into `en.ts` and `zh-CN.ts` with one line each. `zhCN` must have exactly the keys of `en`.
 *
 * @example
 * ```ts
 * agentMessages.en["agent.dial"] // "Dial"
 * agentMessages.zhCN["agent.dial"] // "拨号"
 * ```
 */
const en = {
  "cust.phone": "Phone",
  "cust.noPhone": "No phone number on record",
  "cust.ownerYou": "{name} (you)",
  "cust.handedOut": " · handed out {when}",
  "cust.due": " · due {when}",
  "agent.dial": "Dial",
  "agent.dialHint": "The call goes through the call center; the full number is never shown here.",
  "agent.dialled": "Calling {name} on {phone} (call {callId}).",
  "agent.dialRefused": "Cannot call {name} now: {reasons}.",
  "agent.dialFailed": "Dial",
  "agent.reasonSep": "; ",
  "agent.reason.dnd": "the customer is on do-not-disturb for phone calls",
  "agent.reason.outside-hours": "outside the calling hours",
  "agent.reason.holiday": "today is a public holiday",
  "agent.reason.calendar-data-missing": "the holiday calendar has no data for today",
  "agent.reason.frequency-cap": "the customer was contacted too often recently",
  "agent.reason.no-phone": "no phone number on record",
  "agent.reason.retry-wait": "an item waits for its next attempt",
  "why.title": "Why this customer is on the list",
  "why.rule": "{rule}, as of {asOf}",
  "why.noLonger": "(no longer met with the latest data)",
  "why.import": "Imported from a list into “{task}”.",
  "why.group": "A member of the customer group of “{task}”.",
  "why.unavailable": "The rule of “{task}” can no longer be read.",
  "why.error": "Why flagged",
  "why.t.bill-drop": "Bill fell {drop} against its {months}-month average: {thisMonth} vs {baseline} (threshold {threshold}%).",
  "why.t.data-drop": "Data usage fell {drop} against its {months}-month average: {thisMonth} MB vs {baseline} MB (threshold {threshold}%).",
  "why.t.other": "{summary}",
  "att.title": "Attachments",
  "att.hint": "PDF, PNG, JPEG, WAV, MP3 or plain text, at most 10 MB.",
  "att.none": "No attachments yet.",
  "att.file": "File",
  "att.kind": "Kind",
  "att.item": "Item",
  "att.kind.recording": "Call recording",
  "att.kind.scanned-questionnaire": "Scanned questionnaire",
  "att.kind.other": "Other",
  "att.upload": "Upload",
  "att.uploaded": "Attached {name} to “{task}”.",
  "att.failed": "Upload",
  "att.chooseFile": "Choose a file first.",
  "att.tooLarge": "The file is larger than {mb} MB.",
  "att.entry": "{kind} · added {when}",
  "att.download": "Download",
  "q.forTask": "For “{task}”",
  "ap.itemOption": "{task} · {channel}"
} as const

/** The agent screen's message key. */
export type AgentMessageKey = keyof typeof en

/**
 * The agent screen's messages in English and Simplified Chinese (same keys; the type checks it).
 *
 * @example
 * ```ts
 * const en = { ...main, ...agentMessages.en }
 * ```
 */
export const agentMessages: { readonly en: typeof en; readonly zhCN: Readonly<Record<AgentMessageKey, string>> } = {
  en,
  zhCN: {
    "cust.phone": "电话",
    "cust.noPhone": "没有登记电话号码",
    "cust.ownerYou": "{name}（我）",
    "cust.handedOut": " · 分配于 {when}",
    "cust.due": " · 截止 {when}",
    "agent.dial": "拨号",
    "agent.dialHint": "通过呼叫中心外呼；此处不显示完整号码。",
    "agent.dialled": "正在拨打{name}的电话 {phone}（呼叫编号 {callId}）。",
    "agent.dialRefused": "现在不能拨打{name}：{reasons}。",
    "agent.dialFailed": "拨号",
    "agent.reasonSep": "；",
    "agent.reason.dnd": "客户已设置电话免打扰",
    "agent.reason.outside-hours": "不在允许的呼叫时段内",
    "agent.reason.holiday": "今天是法定节假日",
    "agent.reason.calendar-data-missing": "节假日日历缺少今天的数据",
    "agent.reason.frequency-cap": "近期联系次数已达上限",
    "agent.reason.no-phone": "没有登记电话号码",
    "agent.reason.retry-wait": "有工单在等待下次尝试",
    "why.title": "预警原因",
    "why.rule": "{rule}，截至 {asOf}",
    "why.noLonger": "（按最新数据已不再满足）",
    "why.import": "通过名单导入到“{task}”。",
    "why.group": "属于“{task}”的客户群。",
    "why.unavailable": "无法再读取“{task}”的规则。",
    "why.error": "预警原因",
    "why.t.bill-drop": "账单较前 {months} 个月平均下降 {drop}：{thisMonth} 对比 {baseline}（阈值 {threshold}%）。",
    "why.t.data-drop": "流量较前 {months} 个月平均下降 {drop}：{thisMonth} MB 对比 {baseline} MB（阈值 {threshold}%）。",
    "why.t.other": "规则说明：{summary}",
    "att.title": "附件",
    "att.hint": "支持 PDF、PNG、JPEG、WAV、MP3 或纯文本，最大 10 MB。",
    "att.none": "暂无附件。",
    "att.file": "文件",
    "att.kind": "类型",
    "att.item": "工单",
    "att.kind.recording": "通话录音",
    "att.kind.scanned-questionnaire": "问卷扫描件",
    "att.kind.other": "其他",
    "att.upload": "上传",
    "att.uploaded": "已将 {name} 附加到“{task}”。",
    "att.failed": "上传",
    "att.chooseFile": "请先选择文件。",
    "att.tooLarge": "文件超过 {mb} MB。",
    "att.entry": "{kind} · 添加于 {when}",
    "att.download": "下载",
    "q.forTask": "针对“{task}”",
    "ap.itemOption": "{task}（{channel}）"
  }
}
