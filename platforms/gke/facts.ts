/** GKE facts the code relies on (the table: platforms/facts.ts; rendered in docs/platform-facts.md). */
import type { PlatformFact } from '../facts';

const READ = '2026-12-06';

export const GKE_FACTS: readonly PlatformFact[] = [
  {
    id: 'gke.node-service-account-role',
    fact: 'Node service accounts need at least roles/container.defaultNodeServiceAccount ("Kubernetes Engine Default Node Service Account"); the code granted logging/monitoring roles instead.',
    status: 'held',
    source: 'https://docs.cloud.google.com/kubernetes-engine/security/configure-node-service-accounts',
    read: READ,
  },
  {
    id: 'gke.hyperdisk-only-series',
    fact: 'C4, C4A, C4D, N4, N4A and N4D attach Hyperdisk only (pd-balanced, GKE\'s default boot disk, fails there). Google\'s own per-series table was not retrieved; third-party sources agree.',
    status: 'held',
    source: 'nextflow-io/nextflow#6614, #6841; Red Hat OpenShift 4.20 GCP PD CSI docs (N4); https://cloud.google.com/kubernetes-engine/docs/how-to/custom-boot-disks',
    read: READ,
  },
  {
    id: 'gke.agent-sandbox-addon',
    fact: 'Managed agent-sandbox add-on: GKE ≥ 1.35.2-gke.1269000, serves v1beta1 from 1.36.3-gke.1767000; enabled with gcloud beta … --enable-agent-sandbox (no GA gcloud seen, so "gcloud beta" stays for this flag).',
    status: 'held',
    source: 'https://docs.cloud.google.com/kubernetes-engine/docs/how-to/how-install-agent-sandbox',
    read: READ,
  },
  {
    id: 'gke.channel-defaults',
    fact: 'Channel defaults: RAPID 1.36.4-gke.2046002, REGULAR and EXTENDED 1.36.4-gke.1391002 (2026-R43, 2026-10-08), STABLE 1.34.6-gke.1307000 (feed 2026-05-27, unchanged on 2026-10-08). REGULAR was 1.35.8-gke.1036000 (2026-09-17) when first read: now REGULAR\'s default reaches the v1beta1 add-on (1.36.3-gke.1767000) and only STABLE warns. Newer entries: unverified.',
    status: 'held',
    source: 'https://docs.cloud.google.com/feeds/gke-stable-channel-release-notes.xml ; 2026-10-08 release notes as summarised in takech9203/google-cloud-news-summary (20261008-gke-2026-r43-version-updates; Google\'s own text of that date not in the corpus)',
    read: READ,
  },
  {
    id: 'gke.kubernetes-versions',
    fact: 'Kubernetes 1.37 was released 2026-08-26 (1.37.1 on 2026-09-15); GKE offers 1.37.1-gke.1552000 in RAPID only (2026-10-08). The example GKE stacks follow REGULAR and render for 1.36 (its default minor); GKE stacks pin no version by default (the channel decides).',
    status: 'held',
    source: 'https://kubernetes.io/releases/1.37/ ; 2026-10-08 GKE release notes summary (above)',
    read: READ,
  },
  {
    id: 'gke.pod-snapshots',
    fact: 'Pod snapshots need GKE ≥ 1.35.3-gke.1234000, GKE Sandbox, Workload Identity, a bucket (hierarchical namespace), a cluster-scoped PodSnapshotStorageConfig and PodSnapshotPolicies; the add-on flag alone gives nothing usable. Google\'s statement of the IAM roles and of the add-on next to the managed agent-sandbox add-on was not retrieved: the flag is refused, not built.',
    status: 'unverified',
    source: 'https://docs.cloud.google.com/kubernetes-engine/docs/how-to/pod-snapshots-prepare ; https://docs.cloud.google.com/kubernetes-engine/docs/reference/crds/podsnapshotstorageconfig.md.txt',
    read: READ,
  },
  {
    id: 'gke.dataplane-v2-first-packet',
    fact: 'Dataplane V2 always enforces NetworkPolicy; upstream Cilium programs a pod\'s endpoint policy before its CNI ADD returns (SyncBuildEndpoint). Google does not state the first-packet behaviour of anetd.',
    status: 'unverified',
    source: 'https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2 ; https://docs.cilium.io/en/latest/security/policy/lifecycle/',
    read: READ,
  },
  {
    id: 'gke.network-isolation',
    fact: '"Private clusters" are now network isolation: a DNS-based control-plane endpoint (IAM, optional VPC-SC) and an IP-based endpoint (authorized networks); private nodes separately.',
    status: 'new',
    source: 'https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation',
    read: READ,
  },
  {
    id: 'gke.compute-classes',
    fact: 'Custom ComputeClasses (cloud.google.com/v1 ComputeClass, cluster-scoped) for Autopilot and Standard (GKE ≥ 1.30.3-gke.1451000): priorities (machineFamily or machineType, minCores, minMemoryGb, spot), nodePoolAutoCreation, whenUnsatisfiable, nodePoolConfig.sandbox.type gvisor. Built: platforms.<gke>.computeClass emits one; sandbox pods select it.',
    status: 'held',
    source: 'https://docs.cloud.google.com/kubernetes-engine/docs/reference/crds/computeclass',
    read: READ,
  },
  {
    id: 'gke.compute-class-crd',
    fact: 'GKE\'s CRD is published in GoogleCloudPlatform/compute-class-api (cloud.google.com_computeclasses.yaml; sha256 47a6de96…1aef at 8067eaeb, 2026-08-21): v1 only, required spec.whenUnsatisfiable (DoNotScaleUp | ScaleUpAnyway), machineFamily ≤ 10 and machineType ≤ 100 characters, CEL: not machineFamily with machineType, not machineType with minCores/minMemoryGb, no "ek" family, a priority must not be empty; nodePoolConfig.sandbox.type gvisor | microvm. Read by hand to write our schema: the Go module proxy refuses the module (403), so it cannot be pinned, and the cluster half (our object on a real API server with the CRD) is unproven.',
    status: 'new',
    source: 'GoogleCloudPlatform/compute-class-api@8067eaeb319407121f5559b07319f5fda7b6725d:cloud.google.com_computeclasses.yaml',
    read: READ,
  },
  {
    id: 'gke.compute-class-selection',
    fact: 'Pods select a class with the nodeSelector cloud.google.com/compute-class: <name>; GKE labels the nodes it creates for the class with it. Node pools you create join a class with that label and the taint cloud.google.com/compute-class=<name>:NoSchedule (Google tutorials and public configs; Google\'s own how-to page text was not retrieved). Autopilot always creates the nodes. A class named "default" applies to pods that select none.',
    status: 'held',
    source: 'https://docs.cloud.google.com/kubernetes-engine/docs/concepts/node-auto-provisioning ; compute-class-api CRD description (default) ; find_string "--node-taints=cloud.google.com/compute-class=" (9 public configs)',
    read: READ,
  },
  {
    id: 'gke.deletion-protection',
    fact: 'deletionProtection is a provider-side guard (default true in the Terraform/Pulumi google provider ≥ 5.0); node pool upgradeSettings SURGE with maxSurge/maxUnavailable.',
    status: 'held',
    source: 'https://pub.dev/documentation/pulumi_gcp/latest/container/ClusterArgs/deletionProtection.html ; @pulumi/gcp 9.37 container NodePool upgradeSettings',
    read: READ,
  },
];
