/**
 * Messages of the appointments view and the reminder banner (English and zh-CN), spread into both
 * catalogues: the agent's appointments (today, upcoming, earlier), rescheduling and cancelling, the
 * reminder lead of a booking, and the banner that shows a due reminder until it is acknowledged.
 *
 * @example
 * ```ts
 * remindersMessages.zhCN["appts.title"] // "我的预约"
 * ```
 */
const en = {
  "nav.appointments": "Appointments",
  "appts.title": "My appointments",
  "appts.intro": "Callbacks you booked that are still open, by time. Reminders appear at the top of the page when they fall due.",
  "appts.earlier": "Earlier (still open)",
  "appts.today": "Today",
  "appts.upcoming": "Upcoming",
  "appts.none": "No open appointments.",
  "appts.when": "When",
  "appts.customer": "Customer",
  "appts.channel": "Channel",
  "appts.reminder": "Reminder",
  "appts.note": "Note",
  "appts.state": "State",
  "appts.actions": "Actions",
  "appts.remindBefore": "{n} min before",
  "appts.newTime": "New time",
  "appts.reschedule": "Reschedule",
  "appts.cancel": "Cancel",
  "appts.open": "Open customer",
  "appts.rescheduled": "Moved to {when}",
  "appts.cancelled": "Appointment with {customer} cancelled.",
  "appts.failed": "The appointment could not be changed",
  "appts.loadFailed": "Appointments",
  "ap.remind": "Remind me",
  "ap.remindMinutes": "{n} minutes before",
  "ap.remindAtTime": "at the time",
  "remind.heading": "Reminders",
  "remind.text": "Callback due: {customer} at {when}",
  "remind.ack": "Got it",
  "remind.open": "Open customer",
  "remind.failed": "Reminders",
  "state.booked": "booked",
  "state.reminded": "reminded"
} as const

const zhCN: Readonly<Record<keyof typeof en, string>> = {
  "nav.appointments": "预约",
  "appts.title": "我的预约",
  "appts.intro": "您预约且仍未完成的回访，按时间排列。提醒到时会显示在页面顶部。",
  "appts.earlier": "更早（仍未完成）",
  "appts.today": "今天",
  "appts.upcoming": "以后",
  "appts.none": "没有未完成的预约。",
  "appts.when": "时间",
  "appts.customer": "客户",
  "appts.channel": "渠道",
  "appts.reminder": "提醒",
  "appts.note": "备注",
  "appts.state": "状态",
  "appts.actions": "操作",
  "appts.remindBefore": "提前 {n} 分钟",
  "appts.newTime": "新时间",
  "appts.reschedule": "改期",
  "appts.cancel": "取消",
  "appts.open": "打开客户",
  "appts.rescheduled": "已改到 {when}",
  "appts.cancelled": "已取消与{customer}的预约。",
  "appts.failed": "预约无法修改",
  "appts.loadFailed": "预约",
  "ap.remind": "提醒我",
  "ap.remindMinutes": "提前 {n} 分钟",
  "ap.remindAtTime": "到点提醒",
  "remind.heading": "提醒",
  "remind.text": "回访时间到：{customer}，{when}",
  "remind.ack": "知道了",
  "remind.open": "打开客户",
  "remind.failed": "提醒",
  "state.booked": "已预约",
  "state.reminded": "已提醒"
}

/** The appointments view's and the reminder banner's messages, per locale. */
export const remindersMessages = { en, zhCN }
