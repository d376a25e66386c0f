// Event Grid system topic on the storage account and the subscription that feeds the Functions blob trigger
// (Source = EventGrid) with BlobCreated events for job.json files in the uploads container. Delivery is at
// least once, unordered, retried up to 24 h; undeliverable events go to the dead-letter container.
param location string
param tags object
param storageAccountName string
param functionAppName string
@description('Blob-trigger function of job.json uploads (UploadIntakeFunction.Name).')
param jobIntakeFunctionName string
@description('Blob-trigger function of campaign manifests (CampaignIntakeFunction.Name).')
param campaignIntakeFunctionName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: 'egst-${storageAccountName}'
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// The topic writes dead letters with its own identity (no storage key in the subscription).
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, topic.id, 'dead-letter')
  scope: account
  properties: {
    principalId: topic.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  }
}

// The blobs extension key exists only once the host has loaded the blob trigger: deploy.sh deploys this
// module after publishing the code.
var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension

// One subscription per blob-trigger function: each delivers to its own function's endpoint.
var subscriptions = [
  {
    name: 'uploads-job-json'
    function: jobIntakeFunctionName
    endings: [ '/job.json' ]
  }
  {
    name: 'uploads-campaign-manifest'
    function: campaignIntakeFunctionName
    endings: [ '/campaign.csv', '/campaign.jsonl' ]
  }
]

resource uploads 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [
  for sub in subscriptions: {
    parent: topic
    name: sub.name
    dependsOn: [ deadLetterWriter ]
    properties: {
      destination: {
        endpointType: 'WebHook'
        properties: {
          endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${sub.function}&code=${blobsExtensionKey}'
        }
      }
      filter: {
        includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
        subjectBeginsWith: '/blobServices/default/containers/uploads/'
        advancedFilters: [
          {
            operatorType: 'StringEndsWith'
            key: 'subject'
            values: sub.endings
          }
        ]
      }
      eventDeliverySchema: 'EventGridSchema'
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
      deadLetterWithResourceIdentity: {
        identity: { type: 'SystemAssigned' }
        deadLetterDestination: {
          endpointType: 'StorageBlob'
          properties: {
            resourceId: account.id
            blobContainerName: 'eventgrid-deadletter'
          }
        }
      }
    }
  }
]

output topicName string = topic.name
output subscriptionCount int = length(subscriptions)
