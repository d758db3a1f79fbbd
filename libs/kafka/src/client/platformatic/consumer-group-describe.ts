import { Writer, createAPI, kGetConnection, type Admin, type Connection, type Reader } from '@platformatic/kafka';

/** ConsumerGroupDescribe (API key 69, KIP-848): what DescribeGroups refuses for consumer-protocol groups. @platformatic/kafka 2.12 lacks it. */
export interface ConsumerGroupDescription {
  readonly errorCode: number;
  readonly groupId: string;
  readonly groupState: string;
  readonly groupEpoch: number;
  readonly members: readonly { memberId: string; memberEpoch: number; clientId: string; clientHost: string }[];
}

/*
  ConsumerGroupDescribe Request (Version: 0) => [group_ids] include_authorized_operations TAG_BUFFER
*/
function createRequest(groupIds: readonly string[]): Writer {
  return Writer.create()
    .appendArray([...groupIds], (w, g) => w.appendString(g), true, false)
    .appendBoolean(false)
    .appendTaggedFields();
}

/** Assignment => [topic_partitions] TAG_BUFFER; topic_partitions => topic_id topic_name [partitions] TAG_BUFFER */
function skipAssignment(r: Reader): void {
  r.readArray((t) => {
    t.readUUID();
    t.readString();
    t.readArray((p) => p.readInt32(), true, false);
  });
  r.readTaggedFields();
}

/*
  ConsumerGroupDescribe Response (Version: 0) => throttle_time_ms [groups] TAG_BUFFER
    groups => error_code error_message group_id group_state group_epoch assignment_epoch assignor_name [members] authorized_operations TAG_BUFFER
      members => member_id instance_id rack_id member_epoch client_id client_host [subscribed_topic_names] subscribed_topic_regex assignment target_assignment TAG_BUFFER
*/
function parseResponse(_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): ConsumerGroupDescription[] {
  reader.readInt32();
  const groups = reader.readArray((r) => {
    const errorCode = r.readInt16();
    r.readNullableString();
    const groupId = r.readString();
    const groupState = r.readString();
    const groupEpoch = r.readInt32();
    r.readInt32();
    r.readString();
    const members = r.readArray((m) => {
      const memberId = m.readString();
      m.readNullableString();
      m.readNullableString();
      const memberEpoch = m.readInt32();
      const clientId = m.readString();
      const clientHost = m.readString();
      m.readArray((t) => t.readString(), true, false);
      m.readNullableString();
      skipAssignment(m);
      skipAssignment(m);
      return { memberId, memberEpoch, clientId, clientHost };
    });
    r.readInt32();
    return { errorCode, groupId, groupState, groupEpoch, members };
  });
  reader.readTaggedFields();
  return groups;
}

const consumerGroupDescribeV0 = createAPI<[readonly string[]], ConsumerGroupDescription[]>(69, 0, createRequest, parseResponse);

/** ConsumerGroupDescribe of one group on its coordinator; `errorCode` is GROUP_ID_NOT_FOUND (69) for a classic or unknown group. */
export async function describeConsumerGroup(admin: Admin, groupId: string): Promise<ConsumerGroupDescription | undefined> {
  const [coordinator] = await admin.findCoordinator({ keyType: 0, keys: [groupId] });
  if (!coordinator) return undefined;
  const metadata = await admin.metadata({ topics: [] });
  const broker = metadata.brokers.get(coordinator.nodeId);
  if (!broker) return undefined;
  const getConnection = (admin as unknown as Record<symbol, (broker: object, callback: (error: Error | null, connection?: Connection) => void) => void>)[kGetConnection]!;
  const connection = await new Promise<Connection>((resolve, reject) =>
    getConnection.call(admin, broker, (error, c) => (error || !c ? reject(error ?? new Error('no connection to the group coordinator')) : resolve(c))),
  );
  const [group] = await consumerGroupDescribeV0.async(connection, [groupId]);
  return group;
}
