/**
 * How `createWinback` wires the host ports for its data mode: which directories (plain async host
 * functions, an Effect layer, or Winback's own stores), and in read-through mode a customer store
 * over those ports in place of the storage's own.
 */
import { Layer } from "effect"
import { readThroughCustomerStore } from "../customer/ReadThroughCustomers"
import type { StorageError } from "../shared/Errors"
import type { DataMode } from "../task/ReadThroughCandidates"
import { directoriesFromStores } from "./defaultDirectories"
import type { CustomerDirectory, StaffDirectory, UsageHistoryReader } from "./HostDirectories"
import { hostPortsLayer, type WinbackHost } from "./HostPorts"
import type { StoragePorts } from "./Stores"

/**
 * The storage ports and host ports of a Winback runtime for the chosen data mode. `host` (plain
 * functions) wins over `directories` (an Effect layer); without either the ports read Winback's
 * own stores. In `"read-through"` mode the `CustomerStore` the pipeline sees reads the host ports.
 *
 * @example
 * ```ts
 * const ports = hostPorts({ host: { customers, staff, usage }, mode: "read-through" }, MemoryStorage.layer())
 * ```
 */
export const hostPorts = <E>(
  options: {
    readonly host?: WinbackHost | undefined
    readonly directories?: Layer.Layer<CustomerDirectory | StaffDirectory | UsageHistoryReader, never, StoragePorts> | undefined
    readonly mode?: DataMode | undefined
  },
  storage: Layer.Layer<StoragePorts, E>
): Layer.Layer<StoragePorts | CustomerDirectory | StaffDirectory | UsageHistoryReader, E | StorageError> => {
  const directories = options.host !== undefined ? hostPortsLayer(options.host) : (options.directories ?? directoriesFromStores)
  const ports = Layer.provideMerge(directories, storage)
  return options.mode === "read-through" ? Layer.provideMerge(readThroughCustomerStore, ports) : ports
}
