import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

// The address a phone on the same network reaches this machine at, printed at start beside localhost.

const ALL_INTERFACES = new Set(["0.0.0.0", "::", ""]);
const LOOPBACK = /^(127\.|::1$|localhost$)/;
/** Container and VM bridges: their addresses are not reachable from a phone. */
const BRIDGE = /^(docker|br-|veth|virbr|vboxnet|vmnet|cni|flannel)/;

/** The machine's first non-internal IPv4 address (not link-local, not a container bridge), if any. */
export function lanAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | null {
  for (const [name, infos] of Object.entries(interfaces)) {
    if (BRIDGE.test(name)) continue;
    for (const i of infos ?? [])
      if (i.family === "IPv4" && !i.internal && !i.address.startsWith("169.254.")) return i.address;
  }
  return null;
}

/**
 * What the start-up lines say about reaching the app from a phone: the LAN URL when the server
 * listens on every interface, the address itself when it listens on one, or why a phone cannot.
 */
export function lanLine(host: string, port: number, lan = lanAddress()): string {
  if (LOOPBACK.test(host)) return `  只在本机可访问 (HOST=${host})；要让同一网络的手机访问，请设 HOST=0.0.0.0`;
  if (!ALL_INTERFACES.has(host)) return `  手机访问 (LAN): http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (!lan) return "  未找到局域网地址：这台电脑没有连接网络，手机无法访问";
  return `  同一网络的手机访问 (LAN): http://${lan}:${port}`;
}
