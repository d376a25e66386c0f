// Every role assignment of the deployment, least privilege per identity (docs/azure.md lists them).
param storageAccountName string
param serviceBusName string
param segmentQueueName string
param registryName string
param keyVaultName string
param appInsightsName string
param functionsPrincipalId string
param workerPrincipalId string
@description('Object id of the person or pipeline running infra/deploy.sh (uploads weights, sets the webhook secret, smoke test). Empty: none.')
param deployerPrincipalId string
@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param deployerPrincipalType string

var role = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  queueMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}
resource uploads 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'uploads'
}
resource work 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'work'
}
resource weights 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'weights'
}
resource renders 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: 'renders'
}
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}
resource resultsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = {
  parent: queueService
  name: 'segment-results'
}
resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusName
}
resource segmentQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: serviceBus
  name: segmentQueueName
}
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Functions app: the host storage (Durable Task hub: blobs, queues, tables; blob trigger leases need Owner),
// sending segment messages, reading the webhook secret, publishing telemetry.
resource funcBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, functionsPrincipalId, role.blobDataOwner)
  scope: account
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataOwner)
  }
}
resource funcQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, functionsPrincipalId, role.queueDataContributor)
  scope: account
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.queueDataContributor)
  }
}
resource funcTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, functionsPrincipalId, role.tableDataContributor)
  scope: account
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.tableDataContributor)
  }
}
resource funcSend 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(segmentQueue.id, functionsPrincipalId, role.serviceBusSender)
  scope: segmentQueue
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusSender)
  }
}
resource funcSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionsPrincipalId, role.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.keyVaultSecretsUser)
  }
}
resource funcMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionsPrincipalId, role.metricsPublisher)
  scope: appInsights
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.metricsPublisher)
  }
}

// GPU worker: pull its image, receive segments (KEDA reads the queue's message count with the same identity,
// which needs the Owner data role on that one queue), read inputs and weights, write clips, report results.
resource workerPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, workerPrincipalId, role.acrPull)
  scope: registry
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.acrPull)
  }
}
resource workerReceive 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(segmentQueue.id, workerPrincipalId, role.serviceBusReceiver)
  scope: segmentQueue
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusReceiver)
  }
}
resource workerScaler 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(segmentQueue.id, workerPrincipalId, role.serviceBusOwner)
  scope: segmentQueue
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.serviceBusOwner)
  }
}
resource workerInputs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(uploads.id, workerPrincipalId, role.blobDataReader)
  scope: uploads
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataReader)
  }
}
resource workerWeights 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(weights.id, workerPrincipalId, role.blobDataReader)
  scope: weights
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataReader)
  }
}
resource workerClips 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(work.id, workerPrincipalId, role.blobDataContributor)
  scope: work
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataContributor)
  }
}
resource workerResults 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resultsQueue.id, workerPrincipalId, role.queueMessageSender)
  scope: resultsQueue
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.queueMessageSender)
  }
}
resource workerMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, workerPrincipalId, role.metricsPublisher)
  scope: appInsights
  properties: {
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.metricsPublisher)
  }
}

// Deployer (optional): upload weights and inputs, read renders for the smoke test, set the webhook secret.
resource deployerWeights 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(weights.id, deployerPrincipalId, role.blobDataContributor)
  scope: weights
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataContributor)
  }
}
resource deployerUploads 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(uploads.id, deployerPrincipalId, role.blobDataContributor)
  scope: uploads
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataContributor)
  }
}
resource deployerRenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(renders.id, deployerPrincipalId, role.blobDataReader)
  scope: renders
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.blobDataReader)
  }
}
resource deployerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, role.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.keyVaultSecretsOfficer)
  }
}
