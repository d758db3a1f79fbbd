import type { AdminPort, KafkaClient, TaskStatusRecord } from '@switchyard/kafka';
import { TaskStatusView } from '@switchyard/ops';

/** One TaskStatusView per queue, started on the first read of that queue and closed with the gateway. */
export class TaskStatusViews {
  readonly #client: KafkaClient;
  readonly #admin: AdminPort;
  readonly #views = new Map<string, Promise<TaskStatusView>>();

  constructor(client: KafkaClient, admin: AdminPort) {
    this.#client = client;
    this.#admin = admin;
  }

  async get(queue: string, taskId: string): Promise<TaskStatusRecord | undefined> {
    return (await this.#view(queue)).get(taskId);
  }

  /** Every task's latest status in the queue's status topic (caught up with its current end). */
  async list(queue: string): Promise<TaskStatusRecord[]> {
    return (await this.#view(queue)).list();
  }

  #view(queue: string): Promise<TaskStatusView> {
    let view = this.#views.get(queue);
    if (!view) {
      view = (async () => {
        const created = new TaskStatusView({ client: this.#client, admin: this.#admin, queue });
        await created.start();
        return created;
      })();
      view.catch(() => this.#views.delete(queue));
      this.#views.set(queue, view);
    }
    return view;
  }

  async close(): Promise<void> {
    const views = [...this.#views.values()];
    this.#views.clear();
    await Promise.all(views.map(async (v) => (await v.catch(() => undefined))?.close()));
  }
}
