/** Business calendars (the `BusinessCalendar` port of `@winback/rules`). */
export { chinaCalendar } from "./ChinaCalendar"
export { type HolidaysCalendarOptions, holidaysCalendar } from "./HolidaysCalendar"
