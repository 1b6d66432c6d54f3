/** AKS facts the code relies on (the table: platforms/facts.ts; rendered in docs/platform-facts.md). */
import type { PlatformFact } from '../facts';

const READ = '2026-12-06';
const AKS_DOCS = 'MicrosoftDocs/azure-aks-docs@fb060abe';

export const AKS_FACTS: readonly PlatformFact[] = [
  {
    id: 'aks.pod-sandboxing',
    fact: 'Pod Sandboxing: workloadRuntime KataVmIsolation, osSKU AzureLinux only, any Gen2 size with nested virtualization, RuntimeClass kata-vm-isolation; the preview API also has KataMshvVmIsolation (deprecated name).',
    status: 'held',
    source: `${AKS_DOCS}:articles/aks/use-pod-sandboxing.md; https://learn.microsoft.com/javascript/api/@azure/arm-containerservice/knownworkloadruntime`,
    read: READ,
  },
  {
    id: 'aks.kata-overhead',
    fact: 'Default kata-vm-isolation overhead 600Mi (512Mi + ~88Mi); the pod VM is sized from memory limits (default 512Mi, < 128Mi unsupported), CPU limits rounded up to whole vCPUs.',
    status: 'held',
    source: `${AKS_DOCS}:articles/aks/considerations-pod-sandboxing.md`,
    read: READ,
  },
  {
    id: 'aks.kata-vm-sizes-v6-v7',
    fact: 'Dsv6, Dasv6 and Dsv7 are Gen2 with nested virtualization; Dasv6 and Dsv7 run only OS images with NVMe support (Azure Linux node images for them: not confirmed), Dsv7 is preview.',
    status: 'held',
    source: 'MicrosoftDocs/azure-compute-docs:articles/virtual-machines/sizes/general-purpose/dsv6-series.md, dasv6-series.md, dsv7-series.md',
    read: READ,
  },
  {
    id: 'aks.agent-sandbox-extension',
    fact: 'AKS has an Agent Sandbox cluster extension (preview) running the open-source controller; ARM ManagedClusterAgentSandboxProfile { enabled } (.NET IsAgentSandboxProfileEnabled), default off. The preview API version that carries it, the RuntimeClass names of "Kata VM isolation v2" and a CLI flag to disable it were not retrievable: the check reads 2026-05-02-preview and refuses when enabled.',
    status: 'unverified',
    source: 'https://learn.microsoft.com/azure/aks/agent-sandbox-cluster-extension ; https://learn.microsoft.com/javascript/api/@azure/arm-containerservice/managedclusteragentsandboxprofile',
    read: READ,
  },
  {
    id: 'aks.authorized-ip-ranges',
    fact: 'API server authorized IP ranges: Standard load balancer only, not with private clusters, ≤ 200 ranges (2,000 with API Server VNet Integration).',
    status: 'held',
    source: `${AKS_DOCS}:articles/aks/api-server-authorized-ip-ranges.md`,
    read: READ,
  },
  {
    id: 'aks.spot-pools',
    fact:
      'Spot pools carry the label kubernetes.azure.com/scalesetpriority=spot and the taint kubernetes.azure.com/scalesetpriority=spot:NoSchedule (workloads need a toleration and affinity); ' +
      'never the default/system pool; ScaleSetPriority, eviction policy and SpotMaxPrice cannot change after creation; SpotMaxPrice -1 (up to on-demand, no eviction for price) or positive with ≤ 5 decimals; ' +
      'eviction Delete (default) or Deallocate (deallocated nodes keep counting against quota); no surge nodes on upgrades (the API refuses maxSurge: "Spot pools can\'t set max surge"); ' +
      'Azure evicts with ~30 s notice, no SLA. Kata on Spot: neither page restricts it (held, as before). New here: the price, eviction and surge rules. Built: cluster.sandboxPool.priority Spot (eviction Delete, spotMaxPrice) with platforms.aks.spot, whose pods tolerate the taint themselves (checked to agree).',
    status: 'held',
    source:
      'MicrosoftDocs/azure-aks-docs@31e1f80a:articles/aks/spot-node-pool.md, @08497922:articles/aks/use-pod-sandboxing.md; ' +
      'MicrosoftDocs/azure-compute-docs@412c17b3:articles/virtual-machine-scale-sets/use-spot.md; maxSurge refusal: hashicorp/terraform-provider-azurerm#19355, Azure/bicep-types-az#2217',
    read: READ,
  },
  {
    id: 'aks.upgrades',
    fact: 'Auto-upgrade channels none/patch/stable/rapid/node-image; node OS channels NodeImage/SecurityPatch/Unmanaged/None; new clusters default to the N-1 minor. Agent pool upgradeSettings.maxSurge (AKS default 10%).',
    status: 'held',
    source: `${AKS_DOCS}:articles/aks/auto-upgrade-cluster.md, supported-kubernetes-versions.md`,
    read: READ,
  },
  {
    id: 'aks.kubernetes-versions',
    fact: 'AKS creates new clusters on the N-1 minor unless kubernetesVersion is set (our stacks leave it to AKS unless the cluster config sets it). The calendar (docs snapshot 2026-08-21) planned 1.37 GA for October 2026; whether it went GA was not readable, so the example stack stays on 1.36.',
    status: 'unverified',
    source: `${AKS_DOCS}:articles/aks/supported-kubernetes-versions.md`,
    read: READ,
  },
  {
    id: 'aks.deletion-lock',
    fact: 'Deletion protection on Azure is a resource lock (CanNotDelete); locks can also block managing cluster extensions.',
    status: 'held',
    source: `${AKS_DOCS}:articles/aks/cluster-extensions.md`,
    read: READ,
  },
  {
    id: 'aks.network-policy-first-packet',
    fact: 'Azure CNI powered by Cilium behaves as upstream Cilium (endpoint policy before CNI ADD returns); Azure NPM makes no first-packet statement. Neither is stated by Microsoft.',
    status: 'unverified',
    source: 'https://learn.microsoft.com/azure/aks/use-network-policies ; Azure/azure-container-networking#865',
    read: READ,
  },
];
