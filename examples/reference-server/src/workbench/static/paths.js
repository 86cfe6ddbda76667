// Every API path the workbench calls, in one place (the server's OpenAPI document at
// /api/openapi.json describes each).
const enc = encodeURIComponent

export const paths = {
  login: "/api/login",
  logout: "/api/logout",
  me: "/api/me",
  workListByCustomer: "/api/work-list/customers",
  customerWork: (id) => `/api/customers/${enc(id)}/work`,
  customer: (id) => `/api/customers/${enc(id)}`,
  customerCalls: (id) => `/api/customers/${enc(id)}/calls`,
  addDnd: "/api/dnd",
  appointments: "/api/appointments",
  task: (id) => `/api/tasks/${enc(id)}`,
  tasks: "/api/tasks",
  taskPreview: (id) => `/api/tasks/${enc(id)}/preview`,
  approveTask: (id) => `/api/tasks/${enc(id)}/approve`,
  rejectTask: (id) => `/api/tasks/${enc(id)}/reject`,
  itemQuestionnaire: (id, locale) => `/api/work-items/${enc(id)}/questionnaire${locale ? `?locale=${enc(locale)}` : ""}`,
  evaluate: (id, locale) => `/api/questionnaires/${enc(id)}/evaluate${locale ? `?locale=${enc(locale)}` : ""}`,
  recordCall: "/api/calls",
  offers: "/api/offers",
  bookAppointment: "/api/appointments",
  workItems: "/api/work-items",
  allocateWorkItems: "/api/allocation/work-items",
  workPool: "/api/work-pool",
  teams: "/api/teams",
  teamMembers: (id) => `/api/teams/${enc(id)}/members`,
  openapi: "/api/openapi.json",
  // The agent's customer screen
  dial: (id) => `/api/customers/${enc(id)}/dial`,
  manager: (id) => `/api/managers/${enc(id)}`,
  itemReasons: (id) => `/api/work-items/${enc(id)}/reasons`,
  uploadAttachment: (id, kind, name) => `/api/work-items/${enc(id)}/attachments/upload?kind=${enc(kind)}&name=${enc(name)}`,
  attachment: (id, index) => `/api/work-items/${enc(id)}/attachments/${index}`,
  // appointments and reminders (appointments.js)
  myAppointments: "/api/my-appointments",
  rescheduleAppointment: (id) => `/api/appointments/${enc(id)}/reschedule`,
  cancelAppointment: (id) => `/api/appointments/${enc(id)}/cancel`,
  reminders: "/api/reminders",
  acknowledgeReminder: (id) => `/api/reminders/${enc(id)}/acknowledge`
}
