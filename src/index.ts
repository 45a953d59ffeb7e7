export * from "./dockerfile/types";
export * from "./dockerfile/dockerfile";
export type * from "./dockerfile/generator-options";
export * from "./dockerfile/rule-ids";
export * from "./run-contract/ingress";
export { ExecutionEnvironment } from "./run-contract/execution-environment";
export { VpcEgress } from "./run-contract/vpc-access";
export type { VpcAccess } from "./run-contract/vpc-access";
export type { SecretReference } from "./run-contract/secrets";
export { Volume } from "./run-contract/volumes";
export type { VolumeMount } from "./run-contract/volumes";
export type {
  CloudSqlVolumeOptions,
  CloudStorageVolumeOptions,
  EmptyDirVolumeOptions,
  NfsVolumeOptions,
  SecretVolumeOptions,
} from "./run-contract/volume-options";
export { Probe, ProbeType } from "./run-contract/probe";
export type {
  GrpcProbeOptions,
  HttpProbeOptions,
  ProbeTiming,
  TcpProbeOptions,
} from "./run-contract/probe";
export type * from "./image/repository-attributes";
export * from "./image/docker-repository";
export type * from "./image/container-image-options";
export * from "./image/container-image";
export type * from "./cloud-run/cloud-run-service-options";
export * from "./cloud-run/cloud-run-service";
export type * from "./cloud-run/sidecar-options";
export type * from "./cloud-run/cloud-run-job-props";
export type { JobScheduleOptions } from "./cloud-run/job-schedule";
export * from "./cloud-run/cloud-run-job";
export * from "./cloud-run/worker-pool";
export * from "./local/restart-policy";
export type * from "./local/local-service-options";
export * from "./local/local-service";
export type * from "./app/cloud-run-app-props";
export * from "./app/cloud-run-app";
export * from "./security/posture-rule";
export * from "./security/security-posture";
