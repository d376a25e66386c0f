// The control plane: the Functions isolated-worker app on the Flex Consumption plan (why: docs/azure.md).
// Every connection is identity-based through the user-assigned identity; the only secret the app sees (the
// webhook signing secret) is a Key Vault reference resolved with that identity.
param location string
param baseName string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param blobEndpoint string
param serviceBusNamespace string
param segmentQueueName string
param keyVaultUri string
param appInsightsConnectionString string
@minValue(1)
param maximumInstanceCount int
@allowed([ 2048, 4096 ])
param instanceMemoryMB int
param workRetentionDays int
param segmentDeadlineMinutes int
@minValue(1)
param maxDeliveryCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${baseName}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}deployments'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Host storage (Durable Task hub on the Azure Storage provider, blob and queue triggers): identity-based.
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // DefaultAzureCredential in the adapters picks the user-assigned identity from this.
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'EchoMimic__Storage__AccountName', value: storageAccountName }
        { name: 'EchoMimic__ServiceBus__FullyQualifiedNamespace', value: serviceBusNamespace }
        { name: 'EchoMimic__ServiceBus__SegmentQueue', value: segmentQueueName }
        { name: 'EchoMimic__ServiceBus__MaxDeliveryCount', value: string(maxDeliveryCount) }
        { name: 'EchoMimic__EventSource', value: 'https://func-${baseName}-${uniqueString(resourceGroup().id)}.azurewebsites.net' }
        { name: 'EchoMimic__WorkRetentionDays', value: string(workRetentionDays) }
        { name: 'EchoMimic__SegmentDeadlineMinutes', value: string(segmentDeadlineMinutes) }
        // Resolved by the platform with keyVaultReferenceIdentity; the value never appears in app settings.
        { name: 'EchoMimic__WebhookSigningSecret', value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/webhook-signing-secret/)' }
      ]
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
