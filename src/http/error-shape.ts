/** The shape a route writes its errors in: OpenAI's `{error:{message,type,code,param}}`, or Anthropic's `{type:'error',error:{type,message}}`. */
export type ErrorShape = 'openai' | 'anthropic';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The shape the one error handler writes this route's errors in (default `openai`). */
    errorShape?: ErrorShape;
  }
}
