// EchoMimic Cloud on Azure: storage, Service Bus segment queue, Functions control plane (Durable Functions on
// Flex Consumption), GPU workers on Container Apps (KEDA on the segment queue), registry, Key Vault, monitoring.
// Deployed by infra/deploy.sh in two passes: without the Event Grid subscription (the Functions blobs-extension
// key exists only after the code is published), then with deployEventSubscription=true.
targetScope = 'resourceGroup'

@description('Azure region of every resource (must offer Container Apps serverless GPUs for the chosen profile).')
param location string = resourceGroup().location

@description('Short name used in every resource name.')
@minLength(3)
@maxLength(12)
param baseName string = 'echomimic'

@description('Serverless GPU of the worker replicas: T4 (NC8as-T4) or A100 (NC24-A100); one GPU per replica.')
@allowed([ 'T4', 'A100' ])
param gpuProfile string = 'T4'

@description('Most GPU worker replicas at once (KEDA scales from zero up to this).')
@minValue(1)
@maxValue(100)
param maxWorkers int = 4

@description('Worker image; the default placeholder lets the first pass succeed before the image is built.')
param workerImage string = 'mcr.microsoft.com/k8se/quickstart:latest'

@description('Deliveries of one segment message before Service Bus dead-letters it.')
@minValue(1)
param maxDeliveryCount int = 5

@description('Most Functions instances (Flex Consumption).')
@minValue(1)
param maxFunctionInstances int = 40

@description('Days work blobs (segment clips, caches) are kept after a job ends.')
@minValue(1)
param workRetentionDays int = 7

@description('Minutes the orchestrator waits for one segment before re-dispatching it.')
@minValue(5)
param segmentDeadlineMinutes int = 30

@description('Create the Event Grid subscription to the upload blob trigger (second pass, after code publish).')
param deployEventSubscription bool = false

@description('Object id of the principal running the deployment (weights upload, secret, smoke test); empty for none.')
param deployerPrincipalId string = ''

@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param deployerPrincipalType string = 'User'

var tags = {
  app: 'echomimic-cloud'
}

// User-assigned identities exist before the apps, so their roles (AcrPull above all) are in place when the
// apps first start.
resource functionsIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-functions'
  location: location
  tags: tags
}

resource workerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-worker'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    baseName: baseName
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    baseName: baseName
    tags: tags
    workRetentionDays: workRetentionDays
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    baseName: baseName
    tags: tags
    maxDeliveryCount: maxDeliveryCount
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    baseName: baseName
    tags: tags
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    baseName: baseName
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: storage.outputs.accountName
    serviceBusName: serviceBus.outputs.namespaceName
    segmentQueueName: serviceBus.outputs.queueName
    registryName: registry.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    functionsPrincipalId: functionsIdentity.properties.principalId
    workerPrincipalId: workerIdentity.properties.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

module functions 'modules/functionapp.bicep' = {
  name: 'functions'
  dependsOn: [ roles ]
  params: {
    location: location
    baseName: baseName
    tags: tags
    identityId: functionsIdentity.id
    identityClientId: functionsIdentity.properties.clientId
    storageAccountName: storage.outputs.accountName
    blobEndpoint: storage.outputs.blobEndpoint
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    segmentQueueName: serviceBus.outputs.queueName
    keyVaultUri: keyVault.outputs.uri
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    maximumInstanceCount: maxFunctionInstances
    instanceMemoryMB: 4096
    workRetentionDays: workRetentionDays
    segmentDeadlineMinutes: segmentDeadlineMinutes
    maxDeliveryCount: maxDeliveryCount
  }
}

module gpuWorkers 'modules/gpuworkers.bicep' = {
  name: 'gpuworkers'
  dependsOn: [ roles ]
  params: {
    location: location
    baseName: baseName
    tags: tags
    workspaceName: monitoring.outputs.workspaceName
    identityId: workerIdentity.id
    identityClientId: workerIdentity.properties.clientId
    registryLoginServer: registry.outputs.loginServer
    image: workerImage
    gpuProfile: gpuProfile
    maxWorkers: maxWorkers
    serviceBusName: serviceBus.outputs.namespaceName
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    segmentQueueName: serviceBus.outputs.queueName
    storageAccountName: storage.outputs.accountName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    weightsManifestBlob: 'weights/manifest.sha256'
  }
}

module eventGrid 'modules/eventgrid.bicep' = if (deployEventSubscription) {
  name: 'eventgrid'
  params: {
    location: location
    tags: tags
    storageAccountName: storage.outputs.accountName
    functionAppName: functions.outputs.name
    jobIntakeFunctionName: 'UploadIntake'
    campaignIntakeFunctionName: 'CampaignIntake'
  }
}

output storageAccountName string = storage.outputs.accountName
output functionAppName string = functions.outputs.name
output functionAppHostName string = functions.outputs.defaultHostName
output registryName string = registry.outputs.name
output registryLoginServer string = registry.outputs.loginServer
output keyVaultName string = keyVault.outputs.name
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output workerAppName string = gpuWorkers.outputs.workerName
