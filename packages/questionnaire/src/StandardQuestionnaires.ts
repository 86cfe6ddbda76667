/**
 * The standard questionnaires shipped as data for the automatic task types (DOMAIN.md §3, §4, §9):
 * retention callback, satisfaction callback, new-customer callback and complaint follow-up. Texts in
 * English and Simplified Chinese. They pass `analyze` with zero errors (a test keeps it so); hosts
 * publish them as they are or copy and adapt them.
 */
import type { QuestionnaireDefinitionInput } from "./Questionnaire"

type QuestionInput = QuestionnaireDefinitionInput["questions"][number]

const tierContext: NonNullable<QuestionnaireDefinitionInput["context"]> = {
  tier: { type: "choice", values: ["diamond", "gold", "silver", "regular"], description: "Customer segment" },
  customerName: { type: "string", description: "How to address the customer" }
}

const t = (en: string, zh: string) => ({ en, "zh-CN": zh })

const reached: QuestionInput = {
  id: "reached",
  type: "singleChoice",
  text: t("Am I speaking with {ctx.customerName}, the account holder?", "请问是机主{ctx.customerName}本人吗？"),
  required: true,
  choices: [
    { id: "yes", text: t("Yes, the account holder", "是，机主本人") },
    { id: "not_holder", text: t("No, someone else", "不是本人") }
  ],
  jumps: [{ when: 'reached == "not_holder"', to: "end" }]
}

const yesNo = [
  { id: "yes", text: t("Yes", "是") },
  { id: "no", text: t("No", "否") }
]

/**
 * Retention callback for churn alerts (competitor calls, bill drop, suspension request, ...): why the
 * customer may leave, which competitor offer they hold, which retention offer was made and accepted.
 *
 * @example
 * ```ts
 * const version = publish(retentionCallback)
 * ```
 */
export const retentionCallback: QuestionnaireDefinitionInput = {
  id: "retention-callback",
  title: t("Retention callback", "挽留回访"),
  description: t("For churn-alert tasks: understand the risk and present a retention offer.", "用于流失预警任务：了解流失原因并推荐挽留方案。"),
  defaultLocale: "en",
  hiddenAnswers: "clear",
  context: tierContext,
  sections: [
    { id: "risk", title: t("Churn risk", "流失风险") },
    { id: "offer", title: t("Retention offer", "挽留方案") }
  ],
  questions: [
    reached,
    { id: "satisfaction", section: "risk", type: "rating", min: 1, max: 5, required: true, text: t("Overall, how satisfied are you with our service?", "您对我们的服务总体满意吗？"), minLabel: t("Very unsatisfied", "非常不满意"), maxLabel: t("Very satisfied", "非常满意") },
    {
      id: "leaving_considered", section: "risk", type: "singleChoice", required: true,
      text: t("Are you considering moving to another operator?", "您是否考虑转到其他运营商？"),
      choices: [{ id: "yes", text: t("Yes", "是") }, { id: "unsure", text: t("Not sure", "不确定") }, { id: "no", text: t("No", "否") }]
    },
    {
      id: "reasons", section: "risk", type: "multipleChoice", required: true, showIf: 'leaving_considered != "no"',
      text: t("What makes you consider it?", "主要原因是什么？"),
      choices: [
        { id: "price", text: t("Price", "资费") },
        { id: "network", text: t("Network quality", "网络质量") },
        { id: "service", text: t("Customer service", "客户服务") },
        { id: "competitor_offer", text: t("A competitor's offer", "竞争对手的优惠") },
        { id: "moving", text: t("Moving away", "搬迁") },
        { id: "other", text: t("Other", "其他") }
      ]
    },
    { id: "competitor", section: "risk", type: "text", maxLength: 200, showIf: 'reasons contains "competitor_offer" or reasons contains "price"', text: t("Which competitor offer do you have in mind?", "您了解到的是哪家的什么优惠？") },
    { id: "competitor_fee", section: "risk", type: "number", min: 0, showIf: "answered(competitor)", text: t("What monthly fee does {competitor} ask?", "{competitor}的月费是多少？") },
    { id: "other_reason", section: "risk", type: "multilineText", required: true, showIf: 'reasons contains "other"', text: t("Please tell us more.", "请具体说明。") },
    {
      id: "offer_presented", section: "offer", type: "singleChoice", required: true, showIf: 'leaving_considered != "no"',
      text: t("Which retention offer did you present?", "推荐了哪种挽留方案？"),
      choices: [
        { id: "tariff_change", text: t("Tariff change", "套餐调整") },
        { id: "bonus_credit", text: t("Bonus credit", "赠送话费") },
        { id: "device_deal", text: t("Device deal", "购机优惠") },
        { id: "none", text: t("No offer", "未推荐") }
      ]
    },
    {
      id: "offer_accepted", section: "offer", type: "singleChoice", required: true, showIf: 'answered(offer_presented) and offer_presented != "none"',
      text: t("Did the customer accept the offer?", "客户是否接受方案？"),
      choices: [{ id: "yes", text: t("Accepted", "接受") }, { id: "think", text: t("Will think about it", "考虑一下") }, { id: "no", text: t("Declined", "拒绝") }]
    },
    { id: "callback_date", section: "offer", type: "date", required: true, showIf: 'offer_accepted == "think"', text: t("When may we call back?", "何时方便再次回访？") },
    { id: "vip_note", section: "offer", type: "multilineText", showIf: 'ctx.tier in ["diamond", "gold"]', text: t("Note for the customer's VIP manager", "给客户经理的备注") },
    { id: "comments", section: "offer", type: "multilineText", text: t("Anything else the customer said?", "客户的其他意见？") }
  ]
}

/**
 * Satisfaction callback (periodic care calls for members and VIPs): CSAT, reasons for low scores,
 * NPS and whether a manager should follow up.
 *
 * @example
 * ```ts
 * const version = publish(satisfactionCallback)
 * ```
 */
export const satisfactionCallback: QuestionnaireDefinitionInput = {
  id: "satisfaction-callback",
  title: t("Satisfaction callback", "满意度回访"),
  defaultLocale: "en",
  hiddenAnswers: "clear",
  context: tierContext,
  questions: [
    reached,
    { id: "csat", type: "rating", min: 1, max: 5, required: true, text: t("How satisfied are you with our service this month?", "您对本月的服务满意吗？") },
    {
      id: "low_reasons", type: "multipleChoice", required: true, showIf: "csat <= 2",
      text: t("What disappointed you?", "哪些方面不满意？"),
      choices: [
        { id: "network", text: t("Network", "网络") },
        { id: "billing", text: t("Billing", "账单") },
        { id: "service", text: t("Service", "服务") },
        { id: "price", text: t("Price", "资费") },
        { id: "other", text: t("Other", "其他") }
      ]
    },
    { id: "low_detail", type: "multilineText", required: true, showIf: 'low_reasons contains "other"', text: t("Please describe what went wrong.", "请描述具体问题。") },
    { id: "nps", type: "rating", min: 0, max: 10, required: true, text: t("How likely are you to recommend us to a friend?", "您向朋友推荐我们的可能性有多大？"), minLabel: t("Not at all", "完全不可能"), maxLabel: t("Extremely likely", "非常可能") },
    { id: "promoter_reason", type: "text", maxLength: 200, showIf: "nps >= 9", text: t("What do you like most?", "您最喜欢我们哪一点？") },
    { id: "follow_up", type: "singleChoice", required: true, showIf: "csat <= 3 or nps <= 6", text: t("Would you like your manager to call you back?", "需要客户经理再联系您吗？"), choices: yesNo },
    { id: "follow_up_date", type: "date", required: true, showIf: 'follow_up == "yes"', text: t("Which day suits you?", "哪天方便？") }
  ]
}

/**
 * New-customer callback, within 3 days of activation: activation problems, tariff explanation,
 * preferred channel and onboarding rating.
 *
 * @example
 * ```ts
 * const version = publish(newCustomerCallback)
 * ```
 */
export const newCustomerCallback: QuestionnaireDefinitionInput = {
  id: "new-customer-callback",
  title: t("New-customer callback", "新入网客户回访"),
  defaultLocale: "en",
  hiddenAnswers: "clear",
  context: tierContext,
  questions: [
    reached,
    {
      id: "activation_ok", type: "singleChoice", required: true, text: t("Is everything working since activation?", "开通后使用是否正常？"),
      choices: [{ id: "yes", text: t("Everything works", "一切正常") }, { id: "problems", text: t("There are problems", "有问题") }]
    },
    {
      id: "problems", type: "multipleChoice", required: true, showIf: 'activation_ok == "problems"', text: t("What does not work?", "哪些方面有问题？"),
      choices: [
        { id: "sim", text: t("SIM card", "SIM卡") },
        { id: "porting", text: t("Number porting", "携号转网") },
        { id: "data", text: t("Mobile data", "上网") },
        { id: "billing", text: t("Billing setup", "计费") },
        { id: "device", text: t("Device", "终端") },
        { id: "other", text: t("Other", "其他") }
      ]
    },
    { id: "problem_detail", type: "multilineText", showIf: "answered(problems)", text: t("Describe the problem so we can open a ticket.", "请描述问题以便我们处理。") },
    { id: "tariff_explained", type: "singleChoice", required: true, text: t("Did the seller explain your tariff clearly?", "营业员是否清楚解释了您的套餐？"), choices: yesNo },
    {
      id: "preferred_channel", type: "singleChoice", required: true, text: t("How should we contact you in future?", "以后您希望我们如何联系您？"),
      choices: [
        { id: "phone", text: t("Phone", "电话") },
        { id: "sms", text: t("SMS", "短信") },
        { id: "email", text: t("Email", "邮件") },
        { id: "app", text: t("App notification", "App通知") }
      ]
    },
    { id: "onboarding_rating", type: "rating", min: 1, max: 5, required: true, text: t("How do you rate your first days with us?", "您如何评价入网以来的体验？") },
    {
      id: "welcome_offer", type: "singleChoice", showIf: 'ctx.tier in ["diamond", "gold"]', text: t("May we tell you about our welcome package for {ctx.tier} customers?", "可以为您介绍{ctx.tier}客户的迎新礼包吗？"),
      choices: [{ id: "interested", text: t("Interested", "感兴趣") }, { id: "not_interested", text: t("Not interested", "不感兴趣") }]
    }
  ]
}

/**
 * Complaint follow-up, within 3 days after a complaint is resolved: was it resolved, how it was
 * handled, and whether the complaint puts the customer at risk of leaving.
 *
 * @example
 * ```ts
 * const version = publish(complaintFollowUp)
 * ```
 */
export const complaintFollowUp: QuestionnaireDefinitionInput = {
  id: "complaint-follow-up",
  title: t("Complaint follow-up", "投诉回访"),
  defaultLocale: "en",
  hiddenAnswers: "clear",
  context: tierContext,
  questions: [
    reached,
    {
      id: "resolved", type: "singleChoice", required: true, text: t("Has your complaint been resolved?", "您的投诉问题解决了吗？"),
      choices: [{ id: "yes", text: t("Yes", "已解决") }, { id: "partly", text: t("Partly", "部分解决") }, { id: "no", text: t("No", "未解决") }]
    },
    { id: "resolution_rating", type: "rating", min: 1, max: 5, required: true, showIf: 'resolved != "no"', text: t("How satisfied are you with the solution?", "您对处理结果满意吗？") },
    { id: "remaining_issue", type: "multilineText", required: true, showIf: 'resolved in ["partly", "no"]', text: t("What is still not right?", "还有哪些问题没有解决？") },
    { id: "escalate", type: "singleChoice", required: true, showIf: 'resolved == "no"', text: t("May we escalate your case to a supervisor?", "可以将您的问题升级处理吗？"), choices: yesNo },
    { id: "handling_rating", type: "rating", min: 1, max: 5, required: true, text: t("How satisfied are you with how we handled your complaint?", "您对投诉处理过程满意吗？") },
    {
      id: "churn_risk", type: "singleChoice", required: true, text: t("Are you considering leaving us because of this?", "您是否因此考虑离网？"),
      choices: [{ id: "yes", text: t("Yes", "是") }, { id: "unsure", text: t("Not sure", "不确定") }, { id: "no", text: t("No", "否") }]
    },
    { id: "retention_referral", type: "singleChoice", required: true, showIf: 'churn_risk == "yes"', text: t("May the retention team contact you with an offer?", "可以请挽留专员为您介绍优惠吗？"), choices: yesNo }
  ]
}

/**
 * The standard questionnaires by automatic task type.
 *
 * @example
 * ```ts
 * const version = publish(standardQuestionnaires["complaint-follow-up"])
 * ```
 */
export const standardQuestionnaires: Readonly<Record<"retention-callback" | "satisfaction-callback" | "new-customer-callback" | "complaint-follow-up", QuestionnaireDefinitionInput>> = {
  "retention-callback": retentionCallback,
  "satisfaction-callback": satisfactionCallback,
  "new-customer-callback": newCustomerCallback,
  "complaint-follow-up": complaintFollowUp
}
