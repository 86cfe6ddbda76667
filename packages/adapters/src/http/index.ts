/** HTTP integrations: SMS gateway, dialer (call center), outgoing webhooks, and their signatures. */
export { HttpSmsGateway, HttpSmsGatewayConfig, smsStatusCallback, SmsStatusCallbackBody, SmsStatusCallbackConfig, toSmsStatus } from "./HttpSmsGateway"
export { CallEvent, callEventHandler, CallEventHandlerConfig, type CallEventServices, HttpDialer, HttpDialerConfig } from "./HttpDialer"
export {
  type DispatchReport,
  type WebhookCursor,
  WebhookDispatcher,
  WebhookDispatcherConfig,
  WebhookEndpoint,
  type WebhookEvent,
  webhookEventOf,
  WebhookEventType
} from "./WebhookDispatcher"
export { IntegrationState, memoryIntegrationState, pgIntegrationState } from "./IntegrationState"
export { recordSmsStatus, smsGatewayActorId, SmsStatusReport } from "./smsStatus"
export { type SignatureCheck, type SignatureFailure, type SignedBody, signPayload, verifyWebhookSignature, type HeadersLike } from "./signature"
export { type InboundReply, type InboundRequest } from "./inbound"
export { backoffDelay, defaultRetry, parseRetryAfter, RetryConfig, type RetryOptions, sendWithRetry } from "./retry"
