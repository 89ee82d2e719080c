// A WebSocket frame from a browser client: msgpack decode, then the request and command schemas.
import { commands, decodeFrame, describeInvalid, isCommandName, requestMessageSchema } from '../../../../src-shared/contract';
import type { FuzzTarget } from '../target';

const target: FuzzTarget = {
  fuzz(data) {
    const request = requestMessageSchema.safeParse(decodeFrame(data));
    if (!request.success) {
      describeInvalid('request', request.error);
      return;
    }
    const { name, input } = request.data;
    if (!isCommandName(name)) return;
    const parsed = commands[name].input.safeParse(input);
    if (!parsed.success) describeInvalid(`${name} input`, parsed.error);
  },
  dictionary: ['\x83', '\xa2id', '\x01', '\xa4name', '\xa5hello', '\xa5input', '\x81', '\xafprotocolVersion', '\xa8addTorrent', '\xc4\x04abcd', '\xc0', '\x91', '\xdc\xff\xff'],
};
export default target;
