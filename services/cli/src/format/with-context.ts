/** Runs a command's action with its context, closing the context whatever happens. */
export async function withContext<T extends { close(): Promise<void> }>(ctx: T, action: (ctx: T) => Promise<void>): Promise<void> {
  try {
    await action(ctx);
  } finally {
    await ctx.close();
  }
}
