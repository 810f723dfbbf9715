import type { components } from './schema';

/** Names for the generated OpenAPI schemas, so features never spell out `components["schemas"]`. */
type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type AuthResponse = Schemas['AuthResponse'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type LoginRequest = Schemas['LoginRequest'];
export type ProfileUpdate = Schemas['ProfileUpdate'];
export type PasswordChange = Schemas['PasswordChange'];
export type AdminUserUpdate = Schemas['AdminUserUpdate'];
export type ErrorBody = Schemas['ErrorBody'];
export type ErrorCode = Schemas['ErrorCode'];
export type FieldError = Schemas['FieldError'];

export type Cluster = Schemas['Cluster'];
export type ClusterStatus = Schemas['ClusterStatus'];
export type CreateClusterRequest = Schemas['CreateClusterRequest'];
export type DetectedView = Schemas['DetectedView'];
export type OptionalApi = Schemas['OptionalApiView'];
export type Permissions = Schemas['PermissionsView'];
export type Picker = Schemas['PickerView'];
export type Deployment = Schemas['Deployment'];
export type DeploymentSummary = Schemas['DeploymentSummary'];
export type DeploymentPage = Schemas['DeploymentPage'];
export type DeploymentStatus = Schemas['DeploymentStatus'];
export type RenderResponse = Schemas['RenderResponse'];
export type ImportRequest = Schemas['ImportRequest'];
export type ImportResponse = Schemas['ImportResponse'];
export type ObjectRef = Schemas['ObjectRef'];
export type Plan = Schemas['PlanView'];
export type PlannedObject = Schemas['PlannedObjectView'];
export type PlanAction = Schemas['ActionView'];
export type Operation = Schemas['OperationView'];
export type ObjectProgress = Schemas['ObjectProgressView'];
export type RevisionSummary = Schemas['RevisionSummary'];
export type Revision = Schemas['Revision'];
export type RevisionDiff = Schemas['RevisionDiff'];
export type DeploymentResources = Schemas['DeploymentResources'];
export type LiveObject = Schemas['LiveObject'];
export type LivePod = Schemas['LivePod'];
export type LiveHealth = Schemas['LiveHealth'];
export type LiveState = Schemas['LiveState'];
export type LiveEvent = Schemas['LiveEvent'];
export type DeletePreview = Schemas['DeletePreviewView'];
export type LiveServerMessage = Schemas['LiveServerMessage'];
export type LiveClientMessage = Schemas['LiveClientMessage'];
